"""The ranking core can be used on its own: importing it loads neither Flask nor the database layer."""

import subprocess
import sys


def test_importing_the_ranking_core_loads_no_web_or_database_code():
    code = (
        "import sys, matcher.ranking\n"
        "loaded = sorted(m for m in ('flask', 'sqlalchemy', 'flask_sqlalchemy', 'werkzeug') if m in sys.modules)\n"
        "print(','.join(loaded))"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == ""
