package dev.fleetroll.remote;

import dev.fleetroll.puppet.HostPaths;
import static dev.fleetroll.util.Shell.quote;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * The POSIX {@code sh} scripts that write and remove files on hosts. They run as root (the executor wraps them in
 * {@code sudo -n sh -c} for a non-root login), take every value as a quoted shell assignment at the top, and
 * report in a small line protocol.
 *
 * <h2>Set ({@link #set})</h2>
 * Content arrives on stdin. In order:
 * <ol>
 *   <li>pick the target ({@code uname -s}: Linux or Darwin path of the {@link ManagedFile}) unless given; resolve
 *       group {@code auto} to {@code wheel} on Darwin, {@code root} elsewhere; check the directory exists and the
 *       target is a regular file or absent;</li>
 *   <li>{@code mktemp} a temp file <em>in the target's directory</em> (same file system, so the final rename is
 *       atomic); an EXIT trap removes it whatever happens (HUP, INT, TERM and PIPE exit through the trap);</li>
 *   <li>copy stdin into it and <b>check its size and sha256 against the expected values</b> before anything else:
 *       a connection cut mid-stream gives {@code cat} an early EOF, and without this check a truncated file would
 *       be renamed over the target (exit 5, target untouched);</li>
 *   <li>{@code chmod}/{@code chown} the temp file;</li>
 *   <li>identical to the current file ({@code cmp -s}): re-apply mode and owner to the current file, report
 *       {@code unchanged} (with {@code META_CHANGED=1} if that changed anything);</li>
 *   <li>a different file exists and the guard is on (overrides, unless forced): report {@code blocked}, exit 3 —
 *       decided here, on the host, never from stored data;</li>
 *   <li>optional backup {@code <target>.bak.<UTC yyyyMMdd'T'HHmmss.SSS'Z'>} ({@code cp -p}), then prune backups
 *       of this target to the newest K (only names of that shape are considered);</li>
 *   <li>{@code mv -f} the temp file over the target: the target is always either the old or the new file.</li>
 * </ol>
 *
 * <h2>Unset ({@link #unset})</h2>
 * Absent target: {@code unchanged}. Optional guard {@code onlyIfSha} (remove only that content, else
 * {@code blocked}); optional backup and pruning as above; {@code rm -f}: {@code changed}.
 *
 * <h2>Protocol</h2>
 * stdout: the line {@code FLEETROLL_WRITE v1}, then {@code KEY=value} lines: {@code OS}, {@code TARGET},
 * {@code OLD_SHA256} (empty when there was no file), {@code NEW_SHA256} (set only), {@code BACKUP} (path, when one
 * was made), {@code PRUNED} (once per removed backup), {@code META_CHANGED} (unchanged case), {@code RESULT}
 * ({@code changed}, {@code unchanged}, {@code blocked}, {@code failed}) and {@code ERROR} (one line). Values never
 * contain a newline (target paths are checked for control characters before a script is made).
 * Exit status: 0 changed or unchanged, 3 blocked, 4 precondition failed (no such directory, target not a regular
 * file, unsupported OS, no sha256 tool), 5 content incomplete, 6 a step failed (mktemp, chmod, chown, cp, mv,
 * rm). Anything else (sudo refusing, a killed shell) comes without {@code RESULT}.
 */
public final class WriteScripts {
    public static final String MAGIC = "FLEETROLL_WRITE v1";
    public static final int EXIT_BLOCKED = 3;
    public static final int EXIT_PRECONDITION = 4;
    public static final int EXIT_INCOMPLETE = 5;
    public static final int EXIT_STEP_FAILED = 6;

    private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss.SSS'Z'").withZone(ZoneOffset.UTC);
    private static final Pattern SHA = Pattern.compile("[0-9a-f]{64}");
    private static final Pattern MODE = Pattern.compile("0?[0-7]{3,4}");
    private static final Pattern NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_.-]{0,31}");

    private WriteScripts() {}

    /**
     * What {@link #set} writes.
     *
     * @param path the target, or null for the file's default path on the host's OS
     * @param mode octal, e.g. {@code 0644}
     * @param group a group name, or {@code auto} (wheel on Darwin, root elsewhere)
     * @param backupsKept how many backups of this target to keep after making one (at least 1)
     * @param refuseIfDifferent report {@code blocked} when a different file is already there
     * @param stamp the backup suffix time (one per batch, so a batch's backups share a name)
     */
    public record SetParams(ManagedFile file, String path, String sha256, long size, String mode, String owner, String group,
                            boolean backup, int backupsKept, boolean refuseIfDifferent, Instant stamp) {
        public SetParams {
            Objects.requireNonNull(file, "file");
            checkPath(path);
            if (!SHA.matcher(sha256).matches()) {
                throw new IllegalArgumentException("sha256 must be 64 lower-case hex digits");
            }
            if (size < 0) {
                throw new IllegalArgumentException("size < 0");
            }
            checkMode(mode);
            checkName("owner", owner);
            checkName("group", group);
            if (backupsKept < 1) {
                throw new IllegalArgumentException("backups kept must be at least 1");
            }
            Objects.requireNonNull(stamp, "stamp");
        }
    }

    /**
     * What {@link #unset} removes.
     *
     * @param onlyIfSha remove only when the current file has this sha256 (else {@code blocked}); null = any
     */
    public record UnsetParams(ManagedFile file, String path, boolean backup, int backupsKept, String onlyIfSha, Instant stamp) {
        public UnsetParams {
            Objects.requireNonNull(file, "file");
            checkPath(path);
            if (onlyIfSha != null && !SHA.matcher(onlyIfSha).matches()) {
                throw new IllegalArgumentException("onlyIfSha must be 64 lower-case hex digits");
            }
            if (backupsKept < 1) {
                throw new IllegalArgumentException("backups kept must be at least 1");
            }
            Objects.requireNonNull(stamp, "stamp");
        }
    }

    /** Rejects what the scripts cannot carry safely: relative paths and control characters (newlines break the protocol). */
    public static void checkPath(String path) {
        if (path == null) {
            return;
        }
        if (!path.startsWith("/") || path.endsWith("/") || path.chars().anyMatch(c -> c < 0x20 || c == 0x7f)) {
            throw new IllegalArgumentException("target path must be absolute, name a file (no trailing '/') and contain"
                    + " no control characters: " + path.replaceAll("\\p{Cntrl}", "?"));
        }
    }

    public static void checkMode(String mode) {
        if (mode == null || !MODE.matcher(mode).matches()) {
            throw new IllegalArgumentException("mode must be octal like 0644 or 0640, not '" + mode + "'");
        }
    }

    public static void checkName(String what, String name) {
        if (name == null || !NAME.matcher(name).matches()) {
            throw new IllegalArgumentException(what + " must be a user or group name like root or wheel, not '" + name + "'");
        }
    }

    /** The backup suffix for {@code t}: {@code 20260813T101112.345Z}. */
    public static String stamp(Instant t) {
        return STAMP.format(t);
    }

    public static String set(SetParams p) {
        StringBuilder s = new StringBuilder(4096);
        s.append("# fleetroll: set ").append(p.file().label()).append('\n');
        s.append("fr_kind=").append(quote(p.file().label())).append('\n');
        s.append("fr_path=").append(quote(p.path() == null ? "" : p.path())).append('\n');
        s.append("fr_sha=").append(quote(p.sha256())).append('\n');
        s.append("fr_size=").append(p.size()).append('\n');
        s.append("fr_mode=").append(quote(p.mode())).append('\n');
        s.append("fr_owner=").append(quote(p.owner())).append('\n');
        s.append("fr_group=").append(quote(p.group())).append('\n');
        s.append("fr_backup=").append(p.backup() ? 1 : 0).append('\n');
        s.append("fr_keep=").append(p.backupsKept()).append('\n');
        s.append("fr_guard=").append(p.refuseIfDifferent() ? 1 : 0).append('\n');
        s.append("fr_stamp=").append(quote(stamp(p.stamp()))).append('\n');
        s.append(prelude(p.file()));
        s.append(SET_BODY);
        return s.toString();
    }

    public static String unset(UnsetParams p) {
        StringBuilder s = new StringBuilder(4096);
        s.append("# fleetroll: unset ").append(p.file().label()).append('\n');
        s.append("fr_kind=").append(quote(p.file().label())).append('\n');
        s.append("fr_path=").append(quote(p.path() == null ? "" : p.path())).append('\n');
        s.append("fr_backup=").append(p.backup() ? 1 : 0).append('\n');
        s.append("fr_keep=").append(p.backupsKept()).append('\n');
        s.append("fr_only_if=").append(quote(p.onlyIfSha() == null ? "" : p.onlyIfSha())).append('\n');
        s.append("fr_stamp=").append(quote(stamp(p.stamp()))).append('\n');
        s.append(prelude(p.file()));
        s.append(UNSET_BODY);
        return s.toString();
    }

    /** Environment, traps, helpers, protocol header and target resolution shared by both scripts. */
    private static String prelude(ManagedFile file) {
        return """
                set -u
                LC_ALL=C; export LC_ALL
                PATH=/usr/sbin:/usr/bin:/sbin:/bin:${PATH:-}; export PATH
                umask 077
                fr_tmp=''
                fr_out() { printf '%%s=%%s\\n' "$1" "$2"; }
                fr_fail() { fr_out ERROR "$2"; fr_out RESULT failed; exit "$1"; }
                fr_cleanup() { if [ -n "$fr_tmp" ]; then rm -f "$fr_tmp"; fi; }
                trap fr_cleanup EXIT
                trap 'exit 129' HUP
                trap 'exit 130' INT
                trap 'exit 143' TERM
                trap 'exit 141' PIPE
                fr_sha256() {
                    if command -v sha256sum >/dev/null 2>&1; then sha256sum < "$1" | cut -d ' ' -f 1
                    elif command -v shasum >/dev/null 2>&1; then shasum -a 256 < "$1" | cut -d ' ' -f 1
                    elif command -v openssl >/dev/null 2>&1; then openssl dgst -sha256 < "$1" | sed 's/^.*= *//'
                    else return 1
                    fi
                }
                fr_prune() {
                    fr_n=0
                    for fr_f in "$fr_path".bak.[0-9][0-9][0-9][0-9][0-9][0-9][0-9][0-9]T[0-9][0-9][0-9][0-9][0-9][0-9]*; do
                        if [ -f "$fr_f" ]; then fr_n=$((fr_n + 1)); fi
                    done
                    fr_excess=$((fr_n - fr_keep))
                    for fr_f in "$fr_path".bak.[0-9][0-9][0-9][0-9][0-9][0-9][0-9][0-9]T[0-9][0-9][0-9][0-9][0-9][0-9]*; do
                        if [ "$fr_excess" -le 0 ]; then break; fi
                        if [ -f "$fr_f" ]; then
                            rm -f "$fr_f" && fr_out PRUNED "$fr_f"
                            fr_excess=$((fr_excess - 1))
                        fi
                    done
                }
                fr_make_backup() {
                    fr_bak="$fr_path.bak.$fr_stamp"
                    if [ -e "$fr_bak" ]; then fr_bak="$fr_bak.$$"; fi
                    cp -p "$fr_path" "$fr_bak" || fr_fail 6 "backup to $fr_bak failed"
                    fr_out BACKUP "$fr_bak"
                    fr_prune
                }
                echo 'FLEETROLL_WRITE v1'
                fr_os=$(uname -s)
                fr_out OS "$fr_os"
                if [ -z "$fr_path" ]; then
                    case "$fr_os" in
                        Linux) fr_path=%s ;;
                        Darwin) fr_path=%s ;;
                        *) fr_fail 4 "no default $fr_kind path on $fr_os; give the target path" ;;
                    esac
                fi
                fr_out TARGET "$fr_path"
                fr_dir=${fr_path%%/*}
                if [ -z "$fr_dir" ]; then fr_dir=/; fi
                fr_base=${fr_path##*/}
                if [ ! -d "$fr_dir" ]; then fr_fail 4 "directory $fr_dir does not exist"; fi
                if [ -d "$fr_path" ]; then fr_fail 4 "$fr_path is a directory"; fi
                if [ -e "$fr_path" ] || [ -L "$fr_path" ]; then
                    if [ ! -f "$fr_path" ]; then fr_fail 4 "$fr_path exists and is not a regular file"; fi
                fi
                if ! fr_sha256 /dev/null >/dev/null 2>&1; then fr_fail 4 "no sha256 tool (sha256sum, shasum or openssl)"; fi
                """.formatted(quote(file.path(HostPaths.LINUX)), quote(file.path(HostPaths.DARWIN)));
    }

    private static final String SET_BODY = """
            if [ "$fr_group" = auto ]; then
                if [ "$fr_os" = Darwin ]; then fr_group=wheel; else fr_group=root; fi
            fi
            fr_tmp=$(mktemp "$fr_dir/.$fr_base.fleetroll.XXXXXX") || fr_fail 6 "cannot create a temporary file in $fr_dir"
            if ! cat > "$fr_tmp"; then fr_fail 5 "could not receive the content; $fr_path left as it was"; fi
            fr_got_size=$(wc -c < "$fr_tmp" | tr -d ' ')
            fr_got_sha=$(fr_sha256 "$fr_tmp")
            if [ "$fr_got_size" != "$fr_size" ] || [ "$fr_got_sha" != "$fr_sha" ]; then
                fr_fail 5 "received $fr_got_size of $fr_size bytes (sha256 $fr_got_sha): content incomplete, $fr_path left as it was"
            fi
            chmod "$fr_mode" "$fr_tmp" || fr_fail 6 "chmod $fr_mode failed"
            chown "$fr_owner:$fr_group" "$fr_tmp" || fr_fail 6 "chown $fr_owner:$fr_group failed"
            if [ -f "$fr_path" ]; then
                fr_old=$(fr_sha256 "$fr_path")
                fr_out OLD_SHA256 "$fr_old"
                if cmp -s "$fr_tmp" "$fr_path"; then
                    fr_before=$(ls -lnd "$fr_path" | awk '{print $1, $3, $4}')
                    chmod "$fr_mode" "$fr_path" || fr_fail 6 "chmod $fr_mode $fr_path failed"
                    chown "$fr_owner:$fr_group" "$fr_path" || fr_fail 6 "chown $fr_owner:$fr_group $fr_path failed"
                    fr_after=$(ls -lnd "$fr_path" | awk '{print $1, $3, $4}')
                    if [ "$fr_before" = "$fr_after" ]; then fr_out META_CHANGED 0; else fr_out META_CHANGED 1; fi
                    fr_out NEW_SHA256 "$fr_sha"
                    fr_out RESULT unchanged
                    exit 0
                fi
                if [ "$fr_guard" = 1 ]; then
                    fr_out ERROR "a different $fr_kind is already at $fr_path (sha256 $fr_old); force to replace it"
                    fr_out RESULT blocked
                    exit 3
                fi
                if [ "$fr_backup" = 1 ]; then fr_make_backup; fi
            else
                fr_out OLD_SHA256 ''
            fi
            sync "$fr_tmp" >/dev/null 2>&1 || :
            mv -f "$fr_tmp" "$fr_path" || fr_fail 6 "rename onto $fr_path failed"
            fr_tmp=''
            fr_out NEW_SHA256 "$fr_sha"
            fr_out RESULT changed
            exit 0
            """;

    private static final String UNSET_BODY = """
            if [ ! -e "$fr_path" ] && [ ! -L "$fr_path" ]; then
                fr_out OLD_SHA256 ''
                fr_out RESULT unchanged
                exit 0
            fi
            fr_old=$(fr_sha256 "$fr_path")
            fr_out OLD_SHA256 "$fr_old"
            if [ -n "$fr_only_if" ] && [ "$fr_old" != "$fr_only_if" ]; then
                fr_out ERROR "$fr_path holds a different $fr_kind (sha256 $fr_old) than the one to remove; left in place"
                fr_out RESULT blocked
                exit 3
            fi
            if [ "$fr_backup" = 1 ]; then fr_make_backup; fi
            rm -f "$fr_path" || fr_fail 6 "removing $fr_path failed"
            fr_out RESULT changed
            exit 0
            """;
}
