# The Lambda entry module: configure each function's handler as `app_index.<function name>`.
# Project structure generated from Tight's templates/app; dependencies installed into
# app/vendored by `invoke pip-install --requirements`.
from app.vendored.tight.providers.aws.lambda_app import app as app

app.run()
