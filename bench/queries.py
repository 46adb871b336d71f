"""SQL queries per request for each benchmark case, counted in-process through Django's test client.

DATABASE_URL=... python bench/queries.py PATH [PATH ...]    # prints {"PATH": queries, ...} as JSON
"""

import json
import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")


def main(paths):
    import django

    django.setup()
    from django.db import connection
    from django.test import Client

    client = Client(HTTP_HOST="127.0.0.1", HTTP_ACCEPT="application/json")
    counts = {}
    for path in paths:
        client.get(path)  # warm: look-ups cached per process do not count against a steady-state request
        executed = []

        def count(execute, sql, params, many, context, executed=executed):
            executed.append(sql)
            return execute(sql, params, many, context)

        with connection.execute_wrapper(count):
            response = client.get(path)
            if response.streaming:
                for _ in response.streaming_content:
                    pass
        if response.status_code != 200:
            raise SystemExit(f"{path}: HTTP {response.status_code}")
        counts[path] = len(executed)
    print(json.dumps(counts))


if __name__ == "__main__":
    main(sys.argv[1:])
