package dev.fleetroll.sandbox;

import dev.fleetroll.UserError;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Installs OpenSSH's server when the sandbox needs it and it is missing, on a Debian-like machine (apt-get). The
 * package's maintainer scripts would start the system sshd on 0.0.0.0:22, which blocks every sandbox host: a
 * {@code policy-rc.d} that forbids service starts is put in place for the install and removed after it, unless one
 * was there before (then it is left exactly as it was).
 */
final class SshdInstaller {
    static final Path SSHD = Path.of(Sandbox.SSHD);
    static final Path POLICY_RC_D = Path.of("/usr/sbin/policy-rc.d");
    private static final String POLICY = "#!/bin/sh\n# written by fleetroll while installing openssh-server; removed after it\nexit 101\n";
    private static final Duration TIMEOUT = Duration.ofMinutes(10);

    private final Path sshd;
    private final Path policyRcD;
    private final Path aptGet;

    SshdInstaller(Path sshd, Path policyRcD, Path aptGet) {
        this.sshd = sshd;
        this.policyRcD = policyRcD;
        this.aptGet = aptGet;
    }

    /** The machine's: {@code /usr/sbin/sshd}, {@code /usr/sbin/policy-rc.d} and {@code apt-get} from PATH. */
    static SshdInstaller system() {
        return new SshdInstaller(SSHD, POLICY_RC_D, Sandbox.which("apt-get"));
    }

    /**
     * Returns at once when sshd is there; otherwise installs {@code openssh-server} (running {@code apt-get update}
     * first only when the plain install fails), telling {@code progress} what it does. Throws a one-sentence
     * {@link UserError} when it cannot.
     */
    void ensure(SandboxProgress progress) {
        if (Files.isExecutable(sshd)) {
            return;
        }
        if (aptGet == null) {
            throw new UserError("the sandbox needs OpenSSH's server at " + sshd
                    + " and this machine has no apt-get to install it: install openssh-server with its package manager");
        }
        progress.notice("installing openssh-server (apt-get install; sshd is not at " + sshd + ")");
        boolean ownPolicy = !Files.exists(policyRcD);
        try {
            if (ownPolicy) {
                Files.writeString(policyRcD, POLICY);
                Files.setPosixFilePermissions(policyRcD, PosixFilePermissions.fromString("rwxr-xr-x"));
            }
            CommandResult r = install();
            if (r.exitCode() != 0) {
                progress.notice("installing openssh-server (apt-get update, then install again)");
                CommandResult u = apt(List.of("update"));
                r = u.exitCode() == 0 ? install() : u;
            }
            if (r.exitCode() != 0 || !Files.isExecutable(sshd)) {
                throw new UserError("could not install openssh-server with apt-get (exit " + r.exitCode() + ": "
                        + lastLine(r.stderr()) + "); install it by hand and run the command again");
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + policyRcD + ": " + e.getMessage(), e);
        } finally {
            if (ownPolicy) {
                try {
                    Files.deleteIfExists(policyRcD);
                } catch (IOException ignored) {
                    // nothing more to do; the next install attempt overwrites it
                }
            }
        }
    }

    private CommandResult install() {
        return apt(List.of("install", "-y", "-q", "--no-install-recommends", "openssh-server"));
    }

    private CommandResult apt(List<String> args) {
        List<String> argv = new ArrayList<>();
        argv.add(aptGet.toString());
        argv.addAll(args);
        return Exec.run(argv, Map.of("DEBIAN_FRONTEND", "noninteractive"), null, TIMEOUT, null);
    }

    private static String lastLine(String text) {
        String t = text == null ? "" : text.strip();
        int nl = t.lastIndexOf('\n');
        return nl < 0 ? t : t.substring(nl + 1);
    }
}
