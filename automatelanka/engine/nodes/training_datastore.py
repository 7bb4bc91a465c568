"""Customer Datastore (n8n training) (n8n-nodes-base.n8nTrainingCustomerDatastore v1).

n8n's built-in sample data for its courses: five fictional customers, returned one
(``getOnePerson``) or all / the first ``limit`` (``getAllPeople``) per input item.
"""

from __future__ import annotations

from typing import Any

from automatelanka.engine.items import Item, NodeOutput, deep_copy_json
from automatelanka.engine.nodes.base import NodeContext, register

PEOPLE: list[dict[str, Any]] = [
    {"id": "23423532", "name": "Jay Gatsby", "email": "gatsby@west-egg.com",
     "notes": "Keeps asking about a green light??", "country": "US", "created": "1925-04-10"},
    {"id": "23423533", "name": "José Arcadio Buendía", "email": "jab@macondo.co",
     "notes": "Lots of people named after him. Very confusing", "country": "CO", "created": "1967-05-05"},
    {"id": "23423534", "name": "Max Sendak", "email": "info@in-and-out-of-weeks.org",
     "notes": "Keeps rolling his terrible eyes", "country": "US", "created": "1963-04-09"},
    {"id": "23423535", "name": "Zaphod Beeblebrox", "email": "captain@heartofgold.com",
     "notes": "Felt like I was talking to more than one person", "country": None, "created": "1979-10-12"},
    {"id": "23423536", "name": "Edmund Pevensie", "email": "edmund@narnia.gov",
     "notes": "Passionate sailor", "country": "UK", "created": "1950-10-16"},
]


@register("n8n-nodes-base.n8nTrainingCustomerDatastore", versions=(1,),
          display_name="Customer Datastore (n8n training)")
def training_datastore(ctx: NodeContext) -> NodeOutput:
    operation = ctx.param("operation", 0, "getOnePerson")
    out: list[Item] = []
    for i in range(len(ctx.input(0))):
        if operation == "getOnePerson":
            out.append({"json": deep_copy_json(PEOPLE[0])})  # n8n pushes it without pairedItem
        elif operation == "getAllPeople":
            rows = PEOPLE if ctx.param("returnAll", i, False) else PEOPLE[:max(0, int(ctx.param("limit", i, 5)))]
            out.extend({"json": deep_copy_json(row), "pairedItem": {"item": i}} for row in rows)
    return [out]
