"""Tight's test kit (fixtures `app`, `dynamo_db_session`, `aws_recording`, `lambda_context`,
`make_event`; `playback`, `record`, `expected_response_body`; `pytest --tight-record`) is a
pytest plugin, loaded because tight-lambda[dev] is installed (requirements.txt). Add your own
fixtures here."""
