#!/usr/bin/env bash
# Installs the Debian/Ubuntu packages the project needs, only those missing.
#   fonts-noto-cjk, Pango, HarfBuzz subsetting: WeasyPrint PDFs with Chinese text
#   gettext: compiling the project's zh-hans catalogue
#   chromium, poppler-utils: only with --tests (Playwright drives Debian's build in the
#     browser tests; pdftoppm rasterises PDFs for the golden-image tests)
#   postgresql: only with --postgres (CI's second run)
set -euo pipefail

packages=(python3-venv fonts-noto-cjk libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 gettext)
for option in "$@"; do
  case "$option" in
    --tests) packages+=(chromium poppler-utils) ;;
    --postgres) packages+=(postgresql) ;;
    *) echo "未知选项：$option（可用：--tests、--postgres）" >&2; exit 2 ;;
  esac
done

missing=()
for package in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$package")
  fi
done
# python3-venv is only needed where the interpreter lacks venv (not with pyenv builds).
if python3 -c "import venv, ensurepip" 2>/dev/null; then
  missing=("${missing[@]/python3-venv}")
fi
missing=($(printf '%s\n' "${missing[@]}" | grep -v '^$' || true))
((${#missing[@]})) || exit 0

if ! command -v apt-get >/dev/null; then
  echo "缺少系统软件包：${missing[*]}。本机没有 apt-get，请手动安装。" >&2
  exit 1
fi
sudo=""
[[ $(id -u) -eq 0 ]] || sudo="sudo"
echo "正在安装系统软件包：${missing[*]}"
$sudo apt-get update -qq
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
