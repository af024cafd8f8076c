"""An account of my_service: what `invoke generate-model account` wrote, with fields added."""

import datetime
import os

from flywheel import Field, Model


class Account(Model):
    __metadata__ = {
        "_name": "%s-%s-accounts" % (os.environ["NAME"], os.environ["STAGE"]),
        "throughput": {"read": 1, "write": 1},
    }

    id = Field(type=str, hash_key=True)
    name = Field(type=str)
    email = Field(type=str)
    tags = Field(data_type=set)
    created_at = Field(type=datetime.datetime)

    def __init__(self, id, name=None, email=None, tags=None, created_at=None):
        self.id = id
        self.name = name
        self.email = email
        self.tags = set(tags or ())
        self.created_at = created_at or datetime.datetime.now(datetime.timezone.utc)

    def to_dict(self):
        return {
            "id": self.id,
            "name": self.name,
            "email": self.email,
            "tags": sorted(self.tags or ()),
            "created_at": self.created_at.isoformat(),
        }
