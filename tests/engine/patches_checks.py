"""Runs in Rasa's environment (rasa 3.6): engine/patches.py against the real Rasa.

    PYTHONPATH=. .venv-engine/bin/python tests/engine/patches_checks.py SCENARIO

Each scenario needs a Rasa nobody has patched yet, so each runs in its own process
and prints one JSON object on its last line of output:

- refusals: install() with another Rasa version, a target of another signature, a
  target gone; each must raise and change nothing, and a real install must follow;
- install: what installing really changes in every loaded module and class, what a
  second install changes, the signatures of the patched attributes, the log line;
- serve: Rasa's own `serve_application` with our credentials.yml, the server's run
  replaced by a probe: are the patches in before the server starts (and so before
  its before_server_start listener loads the model)?
"""

import json
import logging
import os
import sys


def _rasa_attributes():
    """Each target's attribute as its class holds it now, or None if it is gone."""
    from engine.patches import PATCHES

    return {p.target: vars(p.owner).get(p.attribute) for p in PATCHES}


def _changed(before, now):
    return sorted(key for key in before.keys() | now.keys() if before.get(key) is not now.get(key))


def _refusal(tampered, before):
    """install()'s error, and which targets other than the tampered one it changed."""
    from engine import patches

    try:
        patches.install()
    except RuntimeError as error:
        message = str(error)
    else:
        message = None
    others = [t for t in _changed(before, _rasa_attributes()) if t != tampered]
    return {"error": message, "changed": others}


def refusals():
    import rasa
    from rasa.core.processor import MessageProcessor
    from rasa.shared.nlu.training_data.features import Features

    from engine import patches

    before = _rasa_attributes()
    report = {}

    real_version = rasa.__version__
    rasa.__version__ = "3.7.0"
    report["version"] = _refusal(None, before)
    rasa.__version__ = real_version

    async def log_message(self, message):  # should_save_tracker gone
        return None

    MessageProcessor.log_message = log_message
    report["signature"] = _refusal("rasa.core.processor:MessageProcessor.log_message", before)
    MessageProcessor.log_message = before["rasa.core.processor:MessageProcessor.log_message"]

    del Features._combine_sparse_features
    target = "rasa.shared.nlu.training_data.features:Features._combine_sparse_features"
    report["missing"] = _refusal(target, before)
    Features._combine_sparse_features = before[target]

    patches.install()  # the refusals left nothing half done
    report["installed_after"] = _changed(before, _rasa_attributes())
    report["targets"] = sorted(before)
    return report


def _snapshot():
    """Every global of every loaded module and every attribute of the classes they
    define, by "module:name" and "module:Class.name" (the objects themselves, so
    that an identity is never reused by a newer object)."""
    seen = {}
    for name, module in list(sys.modules.items()):
        if module is None or name == "__main__" or name.split(".")[0] == "engine":
            continue
        try:
            module_vars = dict(vars(module))
        except TypeError:
            continue
        for attribute, value in module_vars.items():
            seen[f"{name}:{attribute}"] = value
            if isinstance(value, type) and getattr(value, "__module__", None) == name:
                for class_attribute, class_value in list(vars(value).items()):
                    seen[f"{name}:{value.__qualname__}.{class_attribute}"] = class_value
    return seen


class _Lines(logging.Handler):
    def __init__(self):
        super().__init__()
        self.lines = []

    def emit(self, record):
        self.lines.append(record.getMessage())


def install():
    from engine import patches

    log = _Lines()
    logging.getLogger("engine.patches").addHandler(log)
    logging.getLogger("engine.patches").setLevel(logging.INFO)
    modules = set(sys.modules)
    before = _snapshot()
    patches.install()
    after = _snapshot()
    patches.install()
    return {
        "changed": _changed(before, after),
        "changed_by_second_install": _changed(after, _snapshot()),
        "modules_imported_by_install": sorted(set(sys.modules) - modules),
        "targets": [p.target for p in patches.PATCHES],
        "tests": [p.test for p in patches.PATCHES],
        "signatures_kept": {
            p.target: [p.signature, patches.plain_signature(getattr(p.owner, p.attribute))]
            for p in patches.PATCHES
        },
        "log": log.lines,
        "rasa_version": patches.RASA_VERSION,
        "compared_attributes": len(before),
    }


def serve():
    os.environ["TANYA_RASA_TOKEN"] = "check-token"
    os.environ["RASA_TELEMETRY_ENABLED"] = "false"
    import rasa.core.agent
    import rasa.core.run
    from sanic import Sanic

    import engine.channel  # noqa: F401  (importing it patches nothing)

    before = _rasa_attributes()
    report = {"changed_by_import": _changed(before, _rasa_attributes()), "timeline": []}

    def patched_now():
        return len(_changed(before, _rasa_attributes()))

    def load_agent(*args, **kwargs):
        report["timeline"].append(["model loaded", patched_now()])

    rasa_register_listener = Sanic.register_listener

    def register_listener(app, listener, event):
        function = getattr(listener, "func", listener)
        report["timeline"].append([f"{event}: {function.__name__}", patched_now()])
        return rasa_register_listener(app, listener, event)

    def run(app, **kwargs):
        """Stands in for the server, which would run the listeners first."""
        report["timeline"].append(["server starts", patched_now()])

    rasa.core.agent.load_agent = load_agent
    Sanic.register_listener = register_listener
    Sanic.run = run
    rasa.core.run.serve_application(credentials="credentials.yml", enable_api=False)
    report["targets"] = len(before)
    return report


if __name__ == "__main__":
    scenario = {"refusals": refusals, "install": install, "serve": serve}[sys.argv[1]]
    print(json.dumps(scenario()))
