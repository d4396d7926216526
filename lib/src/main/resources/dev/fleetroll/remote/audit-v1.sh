# fleetroll audit, protocol v1. POSIX sh, run as root, one round trip. Prints 'FLEETROLL_AUDIT v1', then
# Path placeholders are filled from dev.fleetroll.puppet.HostPaths. KEY=value lines (one line each; anything that may hold newlines or arbitrary bytes is base64), then 'END'.
# A probe that fails leaves its key out; nothing here aborts the script. Forks are counted: on Linux /proc is
# read with builtins where the OS is Linux; stat and the sha256 tool run once for all files, base64 once per blob.
fetch_vault=0
set -f
unset IFS
nl='
'
PATH=$PATH:/usr/sbin:/sbin
echo 'FLEETROLL_AUDIT v1'

# b64 KEY FILE: prints KEY=<base64 of FILE on one line>; nothing when FILE cannot be read.
b64() {
  _k=$1
  _v=$($b64 < "$2") || return 0
  set -- $_v
  IFS=
  _v="$*"
  unset IFS
  printf '%s=%s\n' "$_k" "$_v"
}
if command -v base64 >/dev/null 2>&1; then b64=base64
elif command -v openssl >/dev/null 2>&1; then b64='openssl base64'
else b64=false
fi

# uname, not /proc/sys/kernel/ostype: a Linux kernel can host a macOS-like userland (the sandbox does), and
# uname is what the host's own tools believe. One fork for both values.
os= host=
u=$(uname -sn 2>/dev/null) && os=${u%% *} && host=${u#* }
[ -n "$os" ] && printf 'OS=%s\n' "$os"
[ -n "$host" ] && printf 'HOSTNAME=%s\n' "$host"

case $os in
  Darwin)
    ovr=@DARWIN_OVERRIDE@
    vlt=@DARWIN_VAULT@
    meta=@DARWIN_METADATA@ ;;
  *)
    ovr=@LINUX_OVERRIDE@
    vlt=@LINUX_VAULT@
    meta=@LINUX_METADATA@ ;;
esac

up=
if [ "$os" != Darwin ] && [ -r /proc/uptime ]; then
  read -r up _ < /proc/uptime
  up=${up%%.*}
else
  bt=$(sysctl -n kern.boottime 2>/dev/null)
  case $bt in
    *'sec = '*)
      bt=${bt#*sec = }
      bt=${bt%%,*}
      now=$(date +%s)
      case $bt$now in
        *[!0-9]*) ;;
        ?*) [ -n "$bt" ] && [ -n "$now" ] && up=$((now - bt)) ;;
      esac ;;
  esac
fi
[ -n "$up" ] && printf 'UPTIME_S=%s\n' "$up"

if [ -e @ROLE@ ]; then
  echo ROLE_PRESENT=1
  r=
  while IFS= read -r l || [ -n "$l" ]; do r="$r $l"; done < @ROLE@
  set -- $r
  printf 'ROLE=%s\n' "$*"
else
  echo ROLE_PRESENT=0
fi

files=
printf 'OVERRIDE_PATH=%s\n' "$ovr"
if [ -e "$ovr" ]; then echo OVERRIDE_PRESENT=1; files="$files $ovr"; else echo OVERRIDE_PRESENT=0; fi
printf 'VAULT_PATH=%s\n' "$vlt"
if [ -e "$vlt" ]; then echo VAULT_PRESENT=1; files="$files $vlt"; else echo VAULT_PRESENT=0; fi

if [ -n "$files" ]; then
  if [ "$os" = Darwin ]; then
    st=$(stat -L -f '%Lp %Su %Sg %z %m %N' $files 2>/dev/null) || st=$(stat -L -c '%a %U %G %s %Y %n' $files 2>/dev/null)
  else
    st=$(stat -L -c '%a %U %G %s %Y %n' $files 2>/dev/null) || st=$(stat -L -f '%Lp %Su %Sg %z %m %N' $files 2>/dev/null)
  fi
  if command -v sha256sum >/dev/null 2>&1; then sums=$(sha256sum $files)
  elif command -v shasum >/dev/null 2>&1; then sums=$(shasum -a 256 $files)
  elif command -v openssl >/dev/null 2>&1; then sums=$(openssl dgst -sha256 $files)
  else sums=
  fi
  IFS=$nl
  for l in $st; do
    case $l in
      *" $ovr") printf 'OVERRIDE_STAT=%s\n' "${l%" $ovr"}" ;;
      *" $vlt") printf 'VAULT_STAT=%s\n' "${l%" $vlt"}" ;;
    esac
  done
  for l in $sums; do
    case $l in
      *"($ovr)= "*) printf 'OVERRIDE_SHA256=%s\n' "${l##* }" ;;
      *"($vlt)= "*) printf 'VAULT_SHA256=%s\n' "${l##* }" ;;
      *" $ovr"|*" *$ovr") printf 'OVERRIDE_SHA256=%s\n' "${l%% *}" ;;
      *" $vlt"|*" *$vlt") printf 'VAULT_SHA256=%s\n' "${l%% *}" ;;
    esac
  done
  unset IFS
  [ -e "$ovr" ] && b64 OVERRIDE_B64 "$ovr"
  [ "$fetch_vault" = 1 ] && [ -e "$vlt" ] && b64 VAULT_B64 "$vlt"
fi

if [ -e "$meta" ]; then
  printf 'PP_JSON_PATH=%s\n' "$meta"
  b64 PP_JSON_B64 "$meta"
else
  for s in /opt/puppetlabs/puppet/cache/state/last_run_summary.yaml /var/lib/puppet/state/last_run_summary.yaml; do
    if [ -e "$s" ]; then
      printf 'PP_SUMMARY_PATH=%s\n' "$s"
      b64 PP_SUMMARY_B64 "$s"
      break
    fi
  done
fi

if [ "$os" != Darwin ] && [ -r /proc/self/comm ]; then
  # Linux: scan /proc with builtins; far cheaper than exec'ing pgrep (which scans /proc too).
  w=0
  set +f
  for c in /proc/[0-9]*/comm; do
    { read -r n < "$c"; } 2>/dev/null && [ "$n" = generic-worker ] && { w=1; break; }
  done
  set -f
  echo WORKER_RUNNING=$w
elif command -v pgrep >/dev/null 2>&1; then
  pgrep -x generic-worker >/dev/null 2>&1
  case $? in 0) echo WORKER_RUNNING=1 ;; 1) echo WORKER_RUNNING=0 ;; esac
else
  case $os in
    Darwin) p=$(ps -axco command= 2>/dev/null) ;;
    *) p=$(ps -eo comm= 2>/dev/null) ;;
  esac && {
    w=0
    IFS=$nl
    for l in $p; do
      case " $l" in *' generic-worker'|*/generic-worker) w=1 ;; esac
    done
    unset IFS
    echo WORKER_RUNNING=$w
  }
fi
echo END
exit 0
