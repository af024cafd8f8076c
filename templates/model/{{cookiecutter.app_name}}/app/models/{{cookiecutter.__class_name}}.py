"""The `{{ cookiecutter.__class_name }}` model: table `<NAME>-<STAGE>-{{ cookiecutter.__table_suffix }}`.

NAME and STAGE come from the environment (env.yml / env.dist.yml, the Lambda's settings).
`invoke rundb` creates the table in DynamoDB Local, `invoke generateschema` writes its
CloudFormation resource to schemas/dynamo/. Import it as `from {{ cookiecutter.__class_name }} import {{ cookiecutter.__class_name }}`.
"""

import os

from flywheel import Field, Model


# DynamoDB Model
class {{ cookiecutter.__class_name }}(Model):
    __metadata__ = {
        '_name': '%s-%s-{{ cookiecutter.__table_suffix }}' % (os.environ['NAME'], os.environ['STAGE']),
        'throughput': {
            'read': 1,
            'write': 1
        }
    }

    id = Field(type=str, hash_key=True)

    # Constructor
    def __init__(self, id):
        self.id = id
