"""Docker HEALTHCHECK of the app image: GET /health of the process the container runs.

The action server (`python -m actions`) answers on TANYA_ACTIONS_PORT, the gateway on
TANYA_GATEWAY_PORT. Kubernetes ignores HEALTHCHECK and uses the manifests' probes.
"""

import os
import sys
import urllib.request


def main() -> int:
    with open("/proc/1/cmdline", "rb") as cmdline:
        argv = cmdline.read().split(b"\0")
    if b"actions" in argv:
        port = os.environ.get("TANYA_ACTIONS_PORT", "5055")
    else:
        port = os.environ.get("TANYA_GATEWAY_PORT", "8080")
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/health", timeout=4) as response:
            return 0 if response.status == 200 else 1
    except OSError:
        return 1


if __name__ == "__main__":
    sys.exit(main())
