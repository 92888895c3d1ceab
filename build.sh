#!/bin/sh
# The POSIX entry of AzContext's build: installs only what is missing, then runs build.ps1 in pwsh.
#
#   ./build.sh build | test | demo | bench | pwsh ARGS...
#
# What it may install, each only when missing, into git-ignored folders of this checkout:
#   - pwsh 7.6.9 (NuGet tool package 'PowerShell') into .tools/pwsh, unless a pwsh 7.4+ is on PATH;
#   - Pester 5.7.1 (NuGet package 'Pester') into .tools/nuget;
#   - Microsoft.Identity.Client 4.73.1 into .tools/nuget, for one test only (another module's MSAL);
#   - only when crates.io cannot be reached: Debian's librust-*-dev crates and cbindgen (apt-get), and
#     .cargo/config.toml pointing cargo at them. A user who reaches crates.io is never touched by that:
#     cbindgen then comes from `cargo install` into .tools/cargo.
#   - valgrind and a C/C++ compiler for the ABI tests, tmux for the azctx picker test (apt-get), when
#     missing;
#   - openssl and chromium-headless-shell for the tests' Entra ID/ARM emulator (apt-get), when missing.
# A second run installs nothing.
set -eu

root=$(cd "$(dirname "$0")" && pwd)
tools="$root/.tools"
PWSH_VERSION=7.6.9
PESTER_VERSION=5.7.1
# An older MSAL, for the test that another module's MSAL in the Default load context never clashes with ours.
OLD_MSAL_VERSION=4.73.1
CBINDGEN_VERSION=0.24.3
# Debian bookworm package names of every crate the workspace uses (and cbindgen).
DEBIAN_CRATES="librust-thiserror-dev librust-dirs-dev librust-clap-dev librust-clap-derive-dev
librust-base64-dev librust-uuid-dev librust-proptest-dev librust-tempfile-dev librust-libc-dev
librust-clap-complete-dev librust-serde-dev librust-serde-derive-dev librust-serde-json-dev"

say() { printf 'build.sh: %s\n' "$*" >&2; }
die() { say "$*"; exit 1; }

apt_install() {
    # $@: Debian packages; installs those not installed yet.
    missing=""
    for p in "$@"; do
        dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing="$missing $p"
    done
    [ -z "$missing" ] && return 0
    command -v apt-get >/dev/null 2>&1 || die "missing packages:$missing (and no apt-get to install them)"
    sudo=""
    [ "$(id -u)" -eq 0 ] || sudo="sudo"
    say "installing Debian packages:$missing"
    if [ ! -f "$tools/.apt-updated" ]; then
        $sudo apt-get update -qq >/dev/null
        mkdir -p "$tools" && : >"$tools/.apt-updated"
    fi
    # shellcheck disable=SC2086
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq $missing >/dev/null
}

command -v cargo >/dev/null 2>&1 || die "cargo is required (https://rustup.rs)"
command -v dotnet >/dev/null 2>&1 || die "the .NET SDK (8.0 or later) is required"
mkdir -p "$tools"

# rustfmt and clippy run in the test task; a minimal rustup profile lacks them.
if command -v rustup >/dev/null 2>&1; then
    for c in rustfmt clippy; do
        rustup component list --installed 2>/dev/null | grep -q "^$c" || { say "adding rustup component $c"; rustup component add "$c" >/dev/null; }
    done
fi

# Is crates.io reachable? A real request with a timeout (a DNS answer alone can hide a blocked
# HTTPS); without curl, the name lookup decides.
crates_io_reachable() {
    if command -v curl >/dev/null 2>&1; then
        curl -fsS --max-time 5 -o /dev/null https://index.crates.io/config.json 2>/dev/null
    else
        timeout 5 getent hosts index.crates.io >/dev/null 2>&1
    fi
}

# --- Rust crates: crates.io, or Debian's copies when crates.io cannot be reached -------------------
if [ -f "$root/.cargo/config.toml" ]; then
    # Set up by an earlier run: this machine has no crates.io. Crates added to the workspace since
    # then are installed here (apt_install skips those already installed).
    # shellcheck disable=SC2086
    apt_install $DEBIAN_CRATES
elif crates_io_reachable; then
    : # crates.io is reachable: cargo fetches as usual
else
    say "crates.io is not reachable: using Debian's librust-*-dev crates"
    # shellcheck disable=SC2086
    apt_install $DEBIAN_CRATES cbindgen
    mkdir -p "$root/.cargo"
    cat >"$root/.cargo/config.toml" <<'EOF'
# Written by build.sh because crates.io was not reachable: Debian's librust-*-dev crates instead.
[source.crates-io]
replace-with = "debian"

[source.debian]
directory = "/usr/share/cargo/registry"

[net]
offline = true
EOF
fi

# --- cbindgen (generates and checks the C header) --------------------------------------------------
if ! command -v cbindgen >/dev/null 2>&1 && [ ! -x "$tools/cargo/bin/cbindgen" ]; then
    if [ -f "$root/.cargo/config.toml" ]; then
        apt_install cbindgen
    else
        say "installing cbindgen $CBINDGEN_VERSION into .tools/cargo"
        cargo install --quiet --locked --root "$tools/cargo" cbindgen --version "$CBINDGEN_VERSION"
    fi
fi

# --- valgrind and a C/C++ compiler (ABI tests) -----------------------------------------------------
command -v valgrind >/dev/null 2>&1 || apt_install valgrind
command -v cc >/dev/null 2>&1 || apt_install gcc
command -v c++ >/dev/null 2>&1 || apt_install g++
# tmux drives azctx's interactive picker in a real terminal (crates/azcontext-cli/tests/cli.rs).
command -v tmux >/dev/null 2>&1 || apt_install tmux

# --- the tests' emulator and browser: openssl makes the test CA; Chromium's headless shell runs the
# interactive sign-in page (tests/browser/xdg-open) ----------------------------------------------------
command -v openssl >/dev/null 2>&1 || apt_install openssl
[ -x /usr/lib/chromium/chromium-headless-shell ] || apt_install chromium-headless-shell

# --- pwsh: a 7.4+ on PATH, else the project's own --------------------------------------------------
pwsh=""
if command -v pwsh >/dev/null 2>&1; then
    v=$(pwsh -NoProfile -NonInteractive -Command '$PSVersionTable.PSVersion.ToString()' 2>/dev/null || true)
    case "$v" in
        7.[4-9]* | 7.[1-9][0-9]* | [89].* | [1-9][0-9].*) pwsh=$(command -v pwsh) ;;
    esac
fi
if [ -z "$pwsh" ]; then
    pwsh="$tools/pwsh/pwsh"
    if [ ! -x "$pwsh" ]; then
        dotnet --list-runtimes 2>/dev/null | grep -q '^Microsoft.NETCore.App 10\.' ||
            die "pwsh $PWSH_VERSION runs on .NET 10: install the .NET 10 SDK, or put a pwsh 7.4+ on PATH"
        say "installing pwsh $PWSH_VERSION into .tools/pwsh"
        dotnet tool install --tool-path "$tools/pwsh" PowerShell --version "$PWSH_VERSION" >/dev/null
    fi
fi

# --- NuGet packages the tests use -----------------------------------------------------------------
# nuget_fetch ID VERSION PATH: downloads package ID VERSION into .tools/nuget unless PATH exists.
nuget_fetch() {
    [ -e "$3" ] && return 0
    say "fetching $1 $2 into .tools/nuget"
    fetch="$tools/nuget-fetch-$1"
    mkdir -p "$fetch"
    cat >"$fetch/fetch.csproj" <<EOF
<Project Sdk="Microsoft.NET.Sdk">
  <PropertyGroup><TargetFramework>net8.0</TargetFramework></PropertyGroup>
  <ItemGroup><PackageDownload Include="$1" Version="[$2]" /></ItemGroup>
</Project>
EOF
    dotnet restore "$fetch/fetch.csproj" --packages "$tools/nuget" >/dev/null
    [ -e "$3" ] || die "$1 $2 was downloaded but $3 is missing"
}

# Pester 5.7.1, and an older MSAL for the one test that another module's MSAL never clashes with ours.
pester="$tools/nuget/pester/$PESTER_VERSION/tools/Pester.psd1"
nuget_fetch Pester "$PESTER_VERSION" "$pester"
old_msal="$tools/nuget/microsoft.identity.client/$OLD_MSAL_VERSION"
nuget_fetch Microsoft.Identity.Client "$OLD_MSAL_VERSION" "$old_msal"

export AZCONTEXT_OLD_MSAL="$old_msal"
export AZCONTEXT_PESTER="$pester"
export AZCONTEXT_PWSH="$pwsh"
export PATH="$tools/cargo/bin:$PATH"
exec "$pwsh" -NoProfile -NonInteractive -ExecutionPolicy Bypass -File "$root/build.ps1" "$@"
