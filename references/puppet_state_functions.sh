# puppet_state_functions.sh - record what a Puppet run applied, for fleetroll's audit.
#
# Install as /etc/puppet/lib/puppet_state_functions.sh, source it from the run-puppet wrapper and call,
# after every run (successful or not):
#
#   write_puppet_state WORKING_DIR ROLE EXIT_CODE DURATION_S OVERRIDE_PATH VAULT_PATH [STATE_FILE]
#
#   WORKING_DIR    the git checkout the run applied (git_* fields; null when it is not a git checkout)
#   ROLE           the host's role (contents of /etc/puppet_role); empty -> null
#   EXIT_CODE      puppet's exit status with --detailed-exitcodes; 0 and 2 count as success
#   DURATION_S     how long the run took, in seconds
#   OVERRIDE_PATH  the override file the run sourced (ronin_settings); its sha256, or null when absent
#   VAULT_PATH     the vault.yaml the run used; its sha256, or null when absent
#   STATE_FILE     default /etc/puppet/last_run_metadata.json; macOS wrappers pass
#                  /opt/puppet_environments/last_run_metadata.json
#
# It writes JSON, schema version 1, with exactly these fields:
#   schema_version, ts (UTC, YYYY-MM-DDTHH:MM:SSZ), duration_s, success, exit_code, role, git_repo,
#   git_branch, git_sha, git_dirty, vault_path, vault_sha, override_path, override_sha
# Unknown values are null. On a detached HEAD, git_branch is the branch the wrapper checked out
# ($PUPPET_BRANCH, else PUPPET_BRANCH in the override file, else the one remote branch at HEAD),
# never the literal "HEAD".
#
# The file is replaced atomically (a temp file in the same directory, then rename), so a reader never
# sees half a file. The function never fails the run: whatever goes wrong it returns 0, leaves the old
# file in place and says why on stderr. It does not care whether the caller runs with set -e or set -u.
#
# Plain POSIX sh (bash, dash, macOS /bin/sh). Uses git for the git_* fields and sha256sum or
# shasum -a 256 for the *_sha fields; a missing tool gives nulls, not an error.

# A JSON string for $1, or null when $1 is empty. Escapes backslash, quote and control characters
# (plain values, the usual case, take no extra process).
_puppet_state_json_string() {
    case ${1:-} in
        '') printf 'null' ;;
        *[[:cntrl:]\\\"]*)
            printf '"'
            printf '%s' "$1" \
                | LC_ALL=C tr -d '\000-\010\013\014\016-\037' \
                | LC_ALL=C sed -e 's/\\/\\\\/g' -e 's/"/\\"/g' -e 's/	/\\t/g' -e "s/$(printf '\r')/\\\\r/g" \
                | LC_ALL=C awk 'NR > 1 { printf "%s", "\\n" } { printf "%s", $0 }'
            printf '"'
            ;;
        *) printf '"%s"' "$1" ;;
    esac
}

# $1 if it is a non-negative integer (or, with $2 = decimal, a decimal number), else null.
_puppet_state_json_number() {
    case ${1:-} in
        '' | *[!0-9.]* | .* | *. | *.*.*) printf 'null' ;;
        *.*) if [ "${2:-}" = decimal ]; then printf '%s' "$1"; else printf 'null'; fi ;;
        *) printf '%s' "$1" ;;
    esac
}

# sha256 (64 lower-case hex digits) of file $1; nothing when the file or a hashing tool is missing.
_puppet_state_sha256() {
    [ -f "${1:-}" ] && [ -r "$1" ] || return 0
    _sum=
    if command -v sha256sum >/dev/null 2>&1; then
        _sum=$(sha256sum < "$1" 2>/dev/null)
    elif command -v shasum >/dev/null 2>&1; then
        _sum=$(shasum -a 256 < "$1" 2>/dev/null)
    elif command -v openssl >/dev/null 2>&1; then
        _sum=$(openssl dgst -sha256 -r < "$1" 2>/dev/null)
    fi
    _sum=${_sum%%[!0-9a-f]*}
    [ "${#_sum}" -eq 64 ] && printf '%s' "$_sum"
    return 0
}

# The branch to report for a detached HEAD in checkout $1, given override file $2.
_puppet_state_detached_branch() {
    if [ -n "${PUPPET_BRANCH:-}" ]; then
        printf '%s' "$PUPPET_BRANCH"
        return 0
    fi
    if [ -f "${2:-}" ] && [ -r "$2" ]; then
        _b=$(sed -n "s/^[[:space:]]*PUPPET_BRANCH=[\"']\{0,1\}\([A-Za-z0-9/_-]*\).*/\1/p" "$2" 2>/dev/null | tail -n 1)
        if [ -n "$_b" ]; then
            printf '%s' "$_b"
            return 0
        fi
    fi
    _b=$(git -C "$1" for-each-ref --points-at HEAD --format='%(refname)' refs/remotes 2>/dev/null \
        | sed -e 's#^refs/remotes/[^/]*/##' -e '/^HEAD$/d' | sort -u)
    case $_b in
        *"
"*) ;; # several branches at HEAD: unknown
        *) printf '%s' "$_b" ;;
    esac
    return 0
}

_write_puppet_state_body() {
    set +eu
    _wd=$1 _role=$2 _exit=$3 _duration=$4 _override=$5 _vault=$6
    _file=${7:-/etc/puppet/last_run_metadata.json}

    _success=null
    case $_exit in
        0 | 2) _success=true ;;
        '' | *[!0-9]*) ;;
        *) _success=false ;;
    esac

    _repo= _branch= _sha= _dirty=null
    if [ -n "$_wd" ] && [ -d "$_wd" ] && command -v git >/dev/null 2>&1 \
        && _sha=$(git -C "$_wd" rev-parse --verify -q HEAD 2>/dev/null); then
        _repo=$(git -C "$_wd" config --get remote.origin.url 2>/dev/null)
        _branch=$(git -C "$_wd" symbolic-ref -q --short HEAD 2>/dev/null)
        if [ -z "$_branch" ] && [ -n "$_sha" ]; then
            _branch=$(_puppet_state_detached_branch "$_wd" "$_override")
        fi
        if _status=$(git -C "$_wd" status --porcelain 2>/dev/null); then
            if [ -n "$_status" ]; then _dirty=true; else _dirty=false; fi
        fi
    fi

    case $_file in */*) _dir=${_file%/*} ;; *) _dir=. ;; esac
    _tmp=$(mktemp "$_dir/.last_run_metadata.XXXXXX" 2>/dev/null) || _tmp="$_file.tmp.$$"
    {
        printf '{\n'
        printf '  "schema_version": 1,\n'
        printf '  "ts": %s,\n' "$(_puppet_state_json_string "$(date -u +%Y-%m-%dT%H:%M:%SZ 2>/dev/null)")"
        printf '  "duration_s": %s,\n' "$(_puppet_state_json_number "$_duration" decimal)"
        printf '  "success": %s,\n' "$_success"
        printf '  "exit_code": %s,\n' "$(_puppet_state_json_number "$_exit")"
        printf '  "role": %s,\n' "$(_puppet_state_json_string "$_role")"
        printf '  "git_repo": %s,\n' "$(_puppet_state_json_string "$_repo")"
        printf '  "git_branch": %s,\n' "$(_puppet_state_json_string "$_branch")"
        printf '  "git_sha": %s,\n' "$(_puppet_state_json_string "$_sha")"
        printf '  "git_dirty": %s,\n' "$_dirty"
        printf '  "vault_path": %s,\n' "$(_puppet_state_json_string "$_vault")"
        printf '  "vault_sha": %s,\n' "$(_puppet_state_json_string "$(_puppet_state_sha256 "$_vault")")"
        printf '  "override_path": %s,\n' "$(_puppet_state_json_string "$_override")"
        printf '  "override_sha": %s\n' "$(_puppet_state_json_string "$(_puppet_state_sha256 "$_override")")"
        printf '}\n'
    } > "$_tmp" 2>/dev/null || { rm -f "$_tmp" 2>/dev/null; return 1; }
    chmod 0644 "$_tmp" 2>/dev/null
    mv -f "$_tmp" "$_file" 2>/dev/null || { rm -f "$_tmp" 2>/dev/null; return 1; }
    return 0
}

write_puppet_state() {
    if ! (_write_puppet_state_body "$@") 2>/dev/null; then
        echo "write_puppet_state: could not write ${7:-/etc/puppet/last_run_metadata.json}; the puppet run's result is unaffected" >&2
    fi
    return 0
}
