"""`sim schema`: print the JSON Schema of scenario (or replay) files, for editors."""

from __future__ import annotations

import json


def register(sub) -> None:
    p = sub.add_parser("schema", help="print the JSON Schema of scenario files (for yaml-language-server)",
                       description="Print the JSON Schema of scenario files, or of replay files with --replay.")
    p.add_argument("--replay", action="store_true", help="the schema of replay files instead")
    p.set_defaults(func=run)


def run(args) -> int:
    if args.replay:
        from sim.replay import Replay

        schema = Replay.model_json_schema()
    else:
        from sim.model import json_schema

        schema = json_schema()
    print(json.dumps(schema, indent=2))
    return 0
