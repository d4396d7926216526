package dev.fleetroll.remote

import java.nio.file.Files
import java.nio.file.Path
import java.nio.file.attribute.FileTime
import java.nio.file.attribute.GroupPrincipal
import java.nio.file.attribute.PosixFileAttributeView
import java.nio.file.attribute.PosixFilePermissions
import java.nio.file.attribute.UserPrincipal
import java.util.concurrent.TimeUnit

/**
 * Runs a script as if on another host, using only this machine: a private mount, UTS, PID and time namespace
 * ({@code unshare}, needs root) in which the fixture tree under {@link #root} is laid over the real file system.
 *
 * <p>How the real file system stays untouched: {@code /etc}, {@code /opt} and {@code /var} get a read-only
 * overlayfs mount whose upper layer is the fixture's {@code etc/}, {@code opt/}, {@code var/} and whose lower
 * layer is the real directory — so {@code /etc/puppet/...} appears without creating anything on the real
 * {@code /etc}, while {@code /etc/passwd} and friends stay visible. {@code /root} is replaced entirely by a bind
 * mount of the fixture's {@code root/} (so a vault can be absent). All mounts live in the namespace only and
 * vanish with it; the PID namespace's init is the runner, so every process the run started dies with it.
 *
 * <p>macOS is simulated with wrapper commands first on {@code PATH} ({@code uname} says Darwin, {@code stat}
 * rejects {@code -c} and implements BSD {@code -f}, {@code sysctl -n kern.boottime} prints the macOS format) plus
 * a {@code PATH} without {@code sha256sum}; {@code /proc/sys/kernel/ostype} is hidden so the script has to ask
 * {@code uname}.
 */
class FakeHost {
    /** Boot time offset of the time namespace: the host's uptime is the machine's plus this. */
    static final long BOOT_OFFSET_S = 1_000_000
    /**
     * Uptime the fake macOS {@code sysctl} reports when the fake host is made; it boots that long before and its
     * uptime then grows with the clock, as a real host's does (a fixed uptime would move the boot time, which the
     * audit reads as a reboot).
     */
    static final long MAC_UPTIME_S = 123_456
    /** The fake Mac's boot time (epoch seconds). */
    final long macBoot = java.time.Instant.now().epochSecond - MAC_UPTIME_S
    static final String MAC_HOSTNAME = 'fake-mac-01'

    final Path base
    final Path root
    String hostname = 'fake-linux-01'
    boolean darwin
    boolean workerRunning
    /** For the macOS simulation: which sha256 tool is on PATH ('shasum' or 'openssl'). */
    String macShaTool = 'shasum'
    /** Replaces PATH entirely (no wrappers) when set. */
    List<String> pathOverride

    FakeHost(Path base) {
        this.base = base
        this.root = Files.createDirectories(base.resolve('fs'))
        Files.createDirectories(root.resolve('root'))
    }

    static boolean available() {
        try {
            def p = new ProcessBuilder('unshare', '--mount', '--uts', '--pid', '--fork', '--mount-proc', '--time',
                    '--boottime', '1', 'true').redirectErrorStream(true).start()
            p.inputStream.text
            return p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0
        } catch (Exception ignored) {
            return false
        }
    }

    /** Writes {@code content} at absolute host path {@code path} with the given mode, owner, group and mtime. */
    Path file(String path, byte[] content, String mode = 'rw-r--r--', String owner = null, String group = null,
              long mtimeEpoch = 1_714_564_800L) {
        Path f = root.resolve(path.substring(1))
        Files.createDirectories(f.parent)
        Files.write(f, content)
        Files.setPosixFilePermissions(f, PosixFilePermissions.fromString(mode))
        def view = Files.getFileAttributeView(f, PosixFileAttributeView)
        def lookup = f.fileSystem.userPrincipalLookupService
        if (owner) {
            view.setOwner(lookup.lookupPrincipalByName(owner) as UserPrincipal)
        }
        if (group) {
            view.setGroup(lookup.lookupPrincipalByGroupName(group) as GroupPrincipal)
        }
        Files.setLastModifiedTime(f, FileTime.fromMillis(mtimeEpoch * 1000))
        f
    }

    Path file(String path, String content, String mode = 'rw-r--r--', String owner = null, String group = null,
              long mtimeEpoch = 1_714_564_800L) {
        file(path, content.getBytes('UTF-8'), mode, owner, group, mtimeEpoch)
    }

    Path dir(String path) {
        Files.createDirectories(root.resolve(path.substring(1)))
    }

    static class Result {
        int exit
        byte[] stdout
        String stderr
        long elapsedMs
    }

    /** Runs {@code script} with {@code shell} (a path, optionally followed by arguments: busybox sh) on this fake host. */
    Result run(String shell, String script) {
        Path scriptFile = base.resolve('audit.sh')
        Files.writeString(scriptFile, script)
        Path runner = base.resolve('runner.sh')
        Files.writeString(runner, runnerText(shell, scriptFile))
        def pb = new ProcessBuilder('unshare', '--mount', '--uts', '--pid', '--fork', '--mount-proc',
                '--time', '--boottime', BOOT_OFFSET_S.toString(), 'sh', runner.toString())
        long t0 = System.nanoTime()
        def p = pb.start()
        def err = new ByteArrayOutputStream()
        def errPump = Thread.start { err << p.errorStream }
        byte[] out = p.inputStream.bytes
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly()
            throw new IllegalStateException('fake host run did not finish')
        }
        errPump.join()
        new Result(exit: p.exitValue(), stdout: out, stderr: err.toString('UTF-8'),
                elapsedMs: (System.nanoTime() - t0).intdiv(1_000_000L) as long)
    }

    private String runnerText(String shell, Path scriptFile) {
        Path bin = Files.createDirectories(base.resolve('bin'))
        Files.copy(Path.of('/bin/sleep'), bin.resolve('generic-worker'), java.nio.file.StandardCopyOption.REPLACE_EXISTING)
        String path = System.getenv('PATH') ?: '/usr/local/bin:/usr/bin:/bin:/usr/sbin:/sbin'
        if (darwin) {
            path = macBin().toString()
        }
        if (pathOverride != null) {
            path = pathOverride.join(':')
        }
        def r = new StringBuilder()
        r << 'set -e\n'
        r << 'exec 3>&1 1>&2\n' // setup noise goes to stderr; the audit's stdout is fd 3
        for (d in ['etc', 'opt', 'var']) {
            if (Files.isDirectory(root.resolve(d))) {
                r << "mount -t overlay fleetroll-test -o lowerdir=${q(root.resolve(d))}:/$d /$d\n"
            }
        }
        r << "mount --bind ${q(root.resolve('root'))} /root\n"
        r << "hostname ${q(darwin ? MAC_HOSTNAME : hostname)}\n"
        if (darwin) {
            r << 'mount --bind /dev/null /proc/sys/kernel/ostype\n'
        }
        if (workerRunning) {
            // started, and running under its name before the audit looks (a forked shell not yet exec'd is "sh")
            r << "${q(bin.resolve('generic-worker'))} 3600 &\n"
            r << 'gw=$!; n=; until [ "$n" = generic-worker ]; do read -r n </proc/$gw/comm || exit 1; [ "$n" = generic-worker ] || sleep 0.01; done\n'
        }
        r << 'set +e\n'
        r << "cd /\n"
        r << "PATH=${q(path)} ${shell.split(' ').collect { q(it) }.join(' ')} ${q(scriptFile)} 1>&3\n"
        r << 'rc=$?\n'
        r << 'exit $rc\n'
        r.toString()
    }

    /** A PATH directory for the macOS simulation: wrappers plus the few real tools macOS also has. */
    private Path macBin() {
        Path mac = Files.createDirectories(base.resolve('macbin'))
        def tools = ['date', 'pgrep', 'ps', 'cat', 'printf'] // printf: not a builtin in every sh (mksh, posh)
        tools += macShaTool == 'openssl' ? ['openssl'] : ['shasum', 'base64']
        for (t in tools) {
            Path link = mac.resolve(t)
            Files.deleteIfExists(link)
            Files.createSymbolicLink(link, Path.of(which(t)))
        }
        script(mac.resolve('uname'), """\
            #!/bin/sh
            case "\$*" in
              -s) echo Darwin ;;
              -n) echo ${MAC_HOSTNAME} ;;
              -sn|'-s -n'|'-n -s') echo 'Darwin ${MAC_HOSTNAME}' ;;
              *) echo Darwin ;;
            esac
            """)
        script(mac.resolve('stat'), '''\
            #!/bin/sh
            # BSD stat, as far as the audit uses it: -L, -f FORMAT with %Lp %Su %Sg %z %m %i %c %N; no -c.
            L= fmt=
            while [ $# -gt 0 ]; do
              case $1 in
                -L) L=-L; shift ;;
                -f) fmt=$2; shift 2 ;;
                -*) echo "stat: illegal option -- ${1#-}" >&2
                    echo 'usage: stat [-FLnq] [-f format | -l | -r | -s | -x] [-t timefmt] [file ...]' >&2
                    exit 1 ;;
                *) break ;;
              esac
            done
            [ -n "$fmt" ] || { echo 'fake stat: only -f is implemented' >&2; exit 1; }
            gnu=$(printf '%s' "$fmt" | /usr/bin/sed -e 's/%Lp/%a/g' -e 's/%Su/%U/g' -e 's/%Sg/%G/g' -e 's/%z/%s/g' -e 's/%m/%Y/g' -e 's/%c/%Z/g' -e 's/%N/%n/g')
            exec /usr/bin/stat $L -c "$gnu" "$@"
            ''')
        script(mac.resolve('sysctl'), """\
            #!/bin/sh
            [ "\$1 \$2" = '-n kern.boottime' ] || { echo "sysctl: unknown oid '\$*'" >&2; exit 1; }
            b=${macBoot}
            printf '{ sec = %s, usec = 250000 } %s\\n' "\$b" "\$(LC_ALL=C /usr/bin/date -u -d @\$b '+%a %b %e %H:%M:%S %Y')"
            """)
        mac
    }

    private static void script(Path p, String text) {
        Files.writeString(p, text.stripIndent())
        Files.setPosixFilePermissions(p, PosixFilePermissions.fromString('rwxr-xr-x'))
    }

    static String which(String tool) {
        for (d in ['/usr/bin', '/bin', '/usr/sbin', '/sbin']) {
            if (Files.isExecutable(Path.of(d, tool))) {
                return "$d/$tool"
            }
        }
        throw new IllegalStateException("$tool not found")
    }

    static String q(Object s) {
        "'" + s.toString().replace("'", "'\"'\"'") + "'"
    }
}
