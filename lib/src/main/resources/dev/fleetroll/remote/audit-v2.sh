# fleetroll audit, protocol v2. POSIX sh, run as root, one round trip. Prints 'FLEETROLL_AUDIT v2', then KEY=value
# lines (one line each; anything that may hold newlines or arbitrary bytes is base64), then 'END'.
# Path placeholders are filled from dev.fleetroll.puppet.HostPaths. AuditScript puts one line of "known" values in
# front of this text (k_os= k_shell= k_boot= k_ovr= ...; empty when unknown, so nothing comes from the environment):
# the stat lines and sha256 of files as an earlier audit in the same boot saw them. A file whose stat line (mode, owner, group, size, mtime,
# inode, ctime) is unchanged is reported as ..._SAME=1 with the known sha256 instead of being hashed and sent again.
# A probe that fails leaves its key out; nothing here aborts the script. Forks are counted: on Linux /proc is
# read with builtins; one stat covers every file; the sha256 tool runs once for the files that changed, base64 once
# per changed blob.
fetch_vault=0
set -f
unset IFS
nl='
'
PATH=$PATH:/usr/sbin:/sbin
# The output is collected in $fr_out and written once at the end: written line by line, each line left the host as an
# SSH packet of its own (~25 a host), each sent by sshd and read, decrypted and handed over by the client.
fr_out=
o() { fr_out="$fr_out$1$nl"; }
o 'FLEETROLL_AUDIT v2'
# the vault body is wanted: read it whatever is known
[ "$fetch_vault" = 1 ] && k_vlt=

# b64 KEY FILE: prints KEY=<base64 of FILE on one line>; nothing when FILE cannot be read.
b64() {
  _k=$1
  _v=$($b64 < "$2") || return 0
  set -- $_v
  IFS=
  _v="$*"
  unset IFS
  o "$_k=$_v"
}
if command -v base64 >/dev/null 2>&1; then b64=base64
elif command -v openssl >/dev/null 2>&1; then b64='openssl base64'
else b64=false
fi

# uname, not /proc/sys/kernel/ostype: a Linux kernel can host a macOS-like userland (the sandbox does), and
# uname is what the host's own tools believe. One fork for both values. In the resident shell (see
# docs/ssh-engine.md) that made the known audit, the OS cannot have changed (same connection, same boot): the known
# OS holds and the hostname is read from /proc with a builtin, where there is one.
os= host=
if [ -n "$k_os" ] && [ -n "$k_shell" ] && [ "${FLEETROLL_RESIDENT-}" = "$k_shell" ] \
    && { read -r host < /proc/sys/kernel/hostname; } 2>/dev/null && [ -n "$host" ]; then
  os=$k_os
  o OS_SAME=1
else
  host=
  u=$(uname -sn 2>/dev/null) && os=${u%% *} && host=${u#* }
fi
[ -n "$os" ] && o "OS=$os"
[ -n "$host" ] && o "HOSTNAME=$host"
[ -n "${FLEETROLL_RESIDENT-}" ] && o "RESIDENT=$FLEETROLL_RESIDENT"
# known values hold for the OS they were seen on only
[ "$os" = "$k_os" ] || k_ovr= k_vlt= k_pp=

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

# Uptime. Linux: /proc/uptime, with a builtin. Elsewhere: the boot time from sysctl, subtracted from the host's clock
# below (the stat's, so no date fork when there is a file to stat). In the resident shell that made the known audit
# the boot cannot have changed (no process outlives a reboot): the known boot time holds and sysctl is not run.
up= bt=
if [ "$os" != Darwin ] && [ -r /proc/uptime ]; then
  read -r up _ < /proc/uptime
  up=${up%%.*}
elif [ -n "$k_boot" ] && [ -n "$k_shell" ] && [ "${FLEETROLL_RESIDENT-}" = "$k_shell" ] && [ "$os" = "$k_os" ]; then
  bt=$k_boot
  o BOOT_SAME=1
else
  bt=$(sysctl -n kern.boottime 2>/dev/null)
  case $bt in
    *'sec = '*) bt=${bt#*sec = }; bt=${bt%%,*} ;;
    *) bt= ;;
  esac
fi
case $bt in *[!0-9]*) bt= ;; esac

if [ -e @ROLE@ ]; then
  o ROLE_PRESENT=1
  r=
  while IFS= read -r l || [ -n "$l" ]; do r="$r $l"; done < @ROLE@
  set -- $r
  o "ROLE=$*"
else
  o ROLE_PRESENT=0
fi

files=
o "OVERRIDE_PATH=$ovr"
if [ -e "$ovr" ]; then o OVERRIDE_PRESENT=1; files="$files $ovr"; else o OVERRIDE_PRESENT=0; fi
o "VAULT_PATH=$vlt"
if [ -e "$vlt" ]; then o VAULT_PRESENT=1; files="$files $vlt"; else o VAULT_PRESENT=0; fi
# the run record: Puppet's metadata, or else its own summary
pp= ppk=
if [ -e "$meta" ]; then
  pp=$meta ppk=PP_JSON
else
  for s in /opt/puppetlabs/puppet/cache/state/last_run_summary.yaml /var/lib/puppet/state/last_run_summary.yaml; do
    if [ -e "$s" ]; then pp=$s ppk=PP_SUMMARY; break; fi
  done
fi
[ -n "$pp" ] && o "${ppk}_PATH=$pp"
[ -n "$pp" ] && [ "$pp" = "$k_pp_path" ] || k_pp=

# One stat for every file, plus /dev/stdout: the pipe stat writes to was made just now, so its ctime is the host's
# clock (CLOCK_S), which the memo rule compares file ctimes with. Whichever stat syntax prints something is the one.
ovr_st= vlt_st= pp_st= clock=
if [ -n "$files$pp" ]; then
  if [ "$os" = Darwin ]; then
    st=$(stat -L -f '%Lp %Su %Sg %z %m %i %c %N' $files $pp /dev/stdout 2>/dev/null)
    [ -n "$st" ] || st=$(stat -L -c '%a %U %G %s %Y %i %Z %n' $files $pp /dev/stdout 2>/dev/null)
  else
    st=$(stat -L -c '%a %U %G %s %Y %i %Z %n' $files $pp /dev/stdout 2>/dev/null)
    [ -n "$st" ] || st=$(stat -L -f '%Lp %Su %Sg %z %m %i %c %N' $files $pp /dev/stdout 2>/dev/null)
  fi
  IFS=$nl
  for l in $st; do
    case $l in
      *" $ovr") ovr_st=${l%" $ovr"} ;;
      *" $vlt") vlt_st=${l%" $vlt"} ;;
      *" /dev/stdout") clock=${l%" /dev/stdout"}; clock=${clock##* } ;;
      *" ${pp:-//}") pp_st=${l%" $pp"} ;;
    esac
  done
  unset IFS
  case $clock in ''|*[!0-9]*) clock= ;; esac
fi
[ -n "$ovr_st" ] && o "OVERRIDE_STAT=$ovr_st"
[ -n "$vlt_st" ] && o "VAULT_STAT=$vlt_st"
[ -n "$pp_st" ] && o "${ppk}_STAT=$pp_st"
[ -n "$clock" ] && o "CLOCK_S=$clock"
if [ -n "$bt" ]; then
  now=$clock
  [ -n "$now" ] || now=$(date +%s)
  case $now in ''|*[!0-9]*) ;; *) up=$((now - bt)) ;; esac
fi
[ -n "$up" ] && o "UPTIME_S=$up"

# known file values hold within the boot that saw them: the boot time (clock minus uptime) within 2 s of the known
# one. After a reboot, or a clock step, everything is read again.
case $clock$up$k_boot in
  *[!0-9]*) k_ovr= k_vlt= k_pp= ;;
  *) if [ -n "$clock" ] && [ -n "$up" ] && [ -n "$k_boot" ]; then
       d=$((clock - up - k_boot))
       [ "$d" -ge -2 ] && [ "$d" -le 2 ] || k_ovr= k_vlt= k_pp=
     else
       k_ovr= k_vlt= k_pp=
     fi ;;
esac

# unchanged files: the known sha256, no hashing, no content
hash= ovr_same=
if [ -e "$ovr" ]; then
  if [ -n "$k_ovr" ] && [ "$ovr_st" = "$k_ovr" ]; then
    ovr_same=1
    o OVERRIDE_SAME=1
    o "OVERRIDE_SHA256=$k_ovr_sha"
  else
    hash="$hash $ovr"
  fi
fi
if [ -e "$vlt" ]; then
  if [ -n "$k_vlt" ] && [ "$vlt_st" = "$k_vlt" ]; then
    o VAULT_SAME=1
    o "VAULT_SHA256=$k_vlt_sha"
  else
    hash="$hash $vlt"
  fi
fi
if [ -n "$hash" ]; then
  if command -v sha256sum >/dev/null 2>&1; then sums=$(sha256sum $hash)
  elif command -v shasum >/dev/null 2>&1; then sums=$(shasum -a 256 $hash)
  elif command -v openssl >/dev/null 2>&1; then sums=$(openssl dgst -sha256 $hash)
  else sums=
  fi
  IFS=$nl
  for l in $sums; do
    case $l in
      *"($ovr)= "*) o "OVERRIDE_SHA256=${l##* }" ;;
      *"($vlt)= "*) o "VAULT_SHA256=${l##* }" ;;
      *" $ovr"|*" *$ovr") o "OVERRIDE_SHA256=${l%% *}" ;;
      *" $vlt"|*" *$vlt") o "VAULT_SHA256=${l%% *}" ;;
    esac
  done
  unset IFS
fi
[ -e "$ovr" ] && [ -z "$ovr_same" ] && b64 OVERRIDE_B64 "$ovr"
[ "$fetch_vault" = 1 ] && [ -e "$vlt" ] && b64 VAULT_B64 "$vlt"

if [ -n "$pp" ]; then
  if [ -n "$k_pp" ] && [ "$pp_st" = "$k_pp" ]; then
    o "${ppk}_SAME=1"
  else
    b64 "${ppk}_B64" "$pp"
  fi
fi

if [ "$os" != Darwin ] && [ -r /proc/self/comm ]; then
  # Linux: scan /proc with builtins; far cheaper than exec'ing pgrep (which scans /proc too).
  w=0
  set +f
  for c in /proc/[0-9]*/comm; do
    { read -r n < "$c"; } 2>/dev/null && [ "$n" = generic-worker ] && { w=1; break; }
  done
  set -f
  o WORKER_RUNNING=$w
elif command -v pgrep >/dev/null 2>&1; then
  pgrep -x generic-worker >/dev/null 2>&1
  case $? in 0) o WORKER_RUNNING=1 ;; 1) o WORKER_RUNNING=0 ;; esac
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
    o WORKER_RUNNING=$w
  }
fi
o END
printf '%s' "$fr_out"
exit 0
