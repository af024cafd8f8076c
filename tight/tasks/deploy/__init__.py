"""What `invoke template` deploys, read and checked from the app, and the two formats it writes.

The task itself is `tight.tasks.deploy_templates`; these modules are its parts:

- `stack`: the format-neutral description (functions, tables, environment) both formats share;
- `functions`: the functions from `app/functions` and tight.yml, checked against Lambda's and
  API Gateway's limits (also the routes of `invoke serve`);
- `tables`: the DynamoDB tables from `schemas/dynamo/*.yml`;
- `environment`: env.dist.yml checked against what Lambda refuses at deploy time;
- `sam` and `serverless`: the stack written as AWS SAM or Serverless Framework YAML.
"""
