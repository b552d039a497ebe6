#!/bin/sh
# Extract every translatable string of the project (templates and Python) into
# src/yingji/locale/zh_Hans/LC_MESSAGES/django.po, then compile django.mo.
# Needs GNU gettext (apt-get install gettext). Fill the new msgstr entries (and clear any "fuzzy" flags)
# between the two steps: `scripts/i18n.sh extract`, edit, `scripts/i18n.sh compile`; no argument runs both.
set -eu

ROOT=$(cd "$(dirname "$0")/.." && pwd)
PYTHON="${PYTHON:-$ROOT/.venv/bin/python}"
# src/yingji holds an app named "warnings": keep the working directory off sys.path so the stdlib module wins.
export PYTHONSAFEPATH=1
export PYTHONPATH="$ROOT/src${PYTHONPATH:+:$PYTHONPATH}"
export YINGJI_DATA_DIR="${YINGJI_DATA_DIR:-$(mktemp -d)}"
export DJANGO_SETTINGS_MODULE=yingji.settings

step="${1:-all}"
cd "$ROOT/src/yingji"
if [ "$step" = "all" ] || [ "$step" = "extract" ]; then
    "$PYTHON" -m django makemessages -l zh_Hans --no-wrap --no-obsolete --add-location file --ignore "static/*" \
        --settings=yingji.settings
    po="locale/zh_Hans/LC_MESSAGES/django.po"
    untranslated=$(msgattrib --untranslated "$po" | grep -c '^msgid ' || true)
    fuzzy=$(msgattrib --only-fuzzy "$po" | grep -c '^msgid ' || true)
    echo "$po: $untranslated untranslated and $fuzzy fuzzy entries (header included when non-zero)."
fi
if [ "$step" = "all" ] || [ "$step" = "compile" ]; then
    "$PYTHON" -m django compilemessages -l zh_Hans --settings=yingji.settings
fi
