#!/bin/sh
# Rebuild Sufficiency's front-end assets into static/ (the compiled output is committed, so the app
# runs without Node; run this only after changing frontend/scss/ or upgrading govuk-frontend).
#
#   sh frontend/build.sh            # from the repository root (or: npm run build)
#   SKIP_NPM_CI=1 sh frontend/build.sh   # reuse an existing node_modules/
#   PYTHON=/path/to/python sh frontend/build.sh   # default .venv/bin/python, to check plotly.js's version
#
# What it writes:
#   static/css/app.css                     Sass from frontend/scss/app.scss (Arial, no GDS Transport)
#   static/govuk/govuk-frontend.min.js     govuk-frontend's ES module bundle (initAll is called by static/js/app.js)
#   static/govuk/assets/images/            images the CSS may reference (WhiteNoise's manifest storage needs them)
#                                          (not linked as favicons: they are the GOV.UK crown; we use static/images/favicon.svg)
#   static/vendor/plotly-basic.min.js      plotly.js's basic bundle (scatter and bar traces) from npm; its version
#                                          must be the one the installed Python plotly package builds figures for
# It deliberately does NOT copy assets/fonts: councils may not use the GDS Transport typeface.
set -eu

cd "$(dirname "$0")/.."

if [ -z "${SKIP_NPM_CI:-}" ]; then
  npm ci --no-audit --no-fund
fi

GOVUK=node_modules/govuk-frontend/dist/govuk

mkdir -p static/css static/govuk/assets static/js static/vendor
npx sass --pkg-importer=node --style=compressed --no-source-map \
  frontend/scss/app.scss static/css/app.css

# Strip the sourceMappingURL comment: we do not ship the .map, and ManifestStaticFilesStorage fails
# collectstatic when a referenced source map is missing.
sed -e 's@//# sourceMappingURL=.*$@@' "$GOVUK/govuk-frontend.min.js" > static/govuk/govuk-frontend.min.js
rm -rf static/govuk/assets/images
cp -R "$GOVUK/assets/images" static/govuk/assets/images
cp node_modules/plotly.js-basic-dist-min/plotly-basic.min.js static/vendor/plotly-basic.min.js
PYTHON="${PYTHON:-.venv/bin/python}"
if [ -x "$PYTHON" ]; then
  js=$(node -e 'process.stdout.write(require("plotly.js-basic-dist-min/package.json").version)')
  py=$("$PYTHON" -c "import plotly.offline as o; print(o.get_plotlyjs_version(), end='')")
  if [ "$js" != "$py" ]; then
    echo "plotly.js-basic-dist-min is $js but the Python plotly package builds figures for plotly.js $py" >&2
    exit 1
  fi
fi
node -e 'process.stdout.write(require("govuk-frontend/package.json").version + "\n")' > static/govuk/VERSION

# Every url() in the compiled CSS must exist under static/, or `collectstatic` with
# ManifestStaticFilesStorage fails (and the browser would 404).
missing=0
for u in $(grep -o 'url([^)]*)' static/css/app.css | sed -e 's/^url(//' -e 's/)$//' -e "s/[\"']//g" | sort -u); do
  case "$u" in
    data:*) continue ;;
    /static/*) f="static/${u#/static/}" ;;
    *) echo "unexpected url() in CSS: $u" >&2; missing=1; continue ;;
  esac
  if [ ! -f "$f" ]; then
    echo "CSS references a missing file: $u" >&2
    missing=1
  fi
done
if grep -q 'GDS Transport' static/css/app.css; then
  echo "CSS still mentions GDS Transport" >&2
  missing=1
fi
[ "$missing" -eq 0 ] || exit 1

echo "Built static/css/app.css ($(wc -c < static/css/app.css) bytes) with govuk-frontend $(cat static/govuk/VERSION)"
