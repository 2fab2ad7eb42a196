# Sourced by bench/*/run.sh: `bench_venv DIR` makes DIR/.venv from
# DIR/requirements.txt, reinstalling when the file changed (a hash stamp).
bench_venv() {
    local here=$1
    local venv="$here/.venv"
    local stamp="$venv/.requirements.sha256"
    local want
    want="$(sha256sum "$here/requirements.txt" | cut -d' ' -f1)"
    if [[ ! -x "$venv/bin/python" ]]; then
        echo "run: creating $venv"
        python3 -m venv "$venv"
    fi
    if [[ "$(cat "$stamp" 2>/dev/null)" != "$want" ]]; then
        echo "run: installing $here/requirements.txt"
        "$venv/bin/python" -m pip install --quiet --upgrade pip
        "$venv/bin/python" -m pip install --quiet -r "$here/requirements.txt"
        echo "$want" > "$stamp"
    fi
}
