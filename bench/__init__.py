"""Side-by-side benchmarks: a bare Lambda handler, Tight, Powertools and Chalice.

Run `python -m bench` (or `invoke bench`). Every side answers the same realistic API Gateway
REST v1 events with the same responses, so the figures compare the frameworks, not the apps.
"""
