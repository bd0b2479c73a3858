#!/usr/bin/env python3
"""Every message both sides of the driver protocol emitted in a run, checked against the protocol's
JSON Schema (docs/driver-protocol.schema.json): the harness's requests (*.req) against
$defs/request, the driver's lines (*.ans) against $defs/response or $defs/unsolicited_event.
Also asserts the run covered the protocol: every request command and every action kind appears.

Usage: driver_messages_check.py LOG_DIR SCHEMA
"""
import json
import pathlib
import sys

from jsonschema import Draft202012Validator

# What a full catalogue run through `dclcomms driver` must exercise: if one is missing, the check
# would pass without having seen it.
REQUIRED_COMMANDS = {"hello", "create", "connect", "send", "disconnect", "calls", "timer", "ws_opened", "ws_frame",
                     "ws_closed", "http_response", "lk_joined", "lk_data", "lk_closed"}
REQUIRED_ACTIONS = {"ws_open", "ws_send", "ws_close", "set_timer", "event", "http_request", "lk_join", "lk_publish",
                    "lk_leave"}


def main() -> int:
    log_dir, schema_path = pathlib.Path(sys.argv[1]), sys.argv[2]
    schema = json.load(open(schema_path, encoding="utf-8"))
    validators = {
        name: Draft202012Validator({"$schema": schema["$schema"], "$defs": schema["$defs"], "$ref": f"#/$defs/{name}"})
        for name in ("request", "response", "unsolicited_event")
    }
    problems = []
    commands, actions, counts = set(), set(), {"req": 0, "ans": 0}
    for path in sorted(log_dir.glob("*.req")) + sorted(log_dir.glob("*.ans")):
        kind = path.suffix[1:]
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            if not line.strip():
                continue
            counts[kind] += 1
            where = f"{path.name}:{number}"
            try:
                message = json.loads(line)
            except json.JSONDecodeError as error:
                problems.append(f"{where}: not JSON ({error})")
                continue
            if kind == "req":
                errors = list(validators["request"].iter_errors(message))
                commands.add(message.get("cmd"))
                for call in message.get("calls", []) if isinstance(message, dict) else []:
                    if isinstance(call, dict):
                        commands.add(call.get("cmd"))
            else:
                errors = list(validators["response"].iter_errors(message))
                if errors and "id" not in message:
                    errors = list(validators["unsolicited_event"].iter_errors(message))
                for action in message.get("actions", []) if isinstance(message, dict) else []:
                    if isinstance(action, dict):
                        actions.add(action.get("do"))
            for error in errors[:3]:
                path_text = "/".join(str(p) for p in error.absolute_path) or "(root)"
                problems.append(f"{where}: {path_text}: {error.message[:200]}")
    if counts["req"] == 0 or counts["ans"] == 0:
        problems.append(f"no messages logged in {log_dir} (requests {counts['req']}, answers {counts['ans']})")
    for missing in sorted(REQUIRED_COMMANDS - commands):
        problems.append(f"the run never sent a '{missing}' request: the check did not see it")
    for missing in sorted(REQUIRED_ACTIONS - actions):
        problems.append(f"the driver never asked for '{missing}': the check did not see it")
    print(f"driver messages: {counts['req']} requests, {counts['ans']} answers checked against {schema_path}; "
          f"{len(commands)} request kinds, {len(actions)} action kinds")
    for problem in problems[:50]:
        print("  " + problem)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
