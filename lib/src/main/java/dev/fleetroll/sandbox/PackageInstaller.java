package dev.fleetroll.sandbox;

import dev.fleetroll.UserError;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;

/**
 * Installs the {@link Prerequisite}s that are missing, on a Debian-like machine (apt-get), in one {@code apt-get
 * install}. Package maintainer scripts would start services, and openssh-server's would start the system sshd on
 * 0.0.0.0:22, which blocks every sandbox host: a {@code policy-rc.d} that forbids service starts is put in place for
 * the install and removed after it, unless one was there before (then it is left exactly as it was).
 *
 * <p>{@code sandbox up} and the demo call it for {@link Prerequisite#SANDBOX}; the build calls {@link #main} for
 * {@link Prerequisite#TESTS} before the first spec runs, so a missing program fails the suite at once, in one line.
 */
public final class PackageInstaller {
    static final Path POLICY_RC_D = Path.of("/usr/sbin/policy-rc.d");
    private static final String POLICY = "#!/bin/sh\n# written by fleetroll while installing packages; removed after it\nexit 101\n";
    private static final Duration TIMEOUT = Duration.ofMinutes(15);

    private final Predicate<Prerequisite> present;
    private final Path policyRcD;
    private final Path aptGet;
    private final boolean root;

    PackageInstaller(Predicate<Prerequisite> present, Path policyRcD, Path aptGet, boolean root) {
        this.present = present;
        this.policyRcD = policyRcD;
        this.aptGet = aptGet;
        this.root = root;
    }

    /** The machine's: programs where {@link Prerequisite#present()} finds them, apt-get from PATH. */
    static PackageInstaller system() {
        return new PackageInstaller(Prerequisite::present, POLICY_RC_D, Sandbox.which("apt-get"), Sandbox.uid() == 0);
    }

    /**
     * Returns at once when every one of {@code needs} is there; otherwise installs their packages (running {@code
     * apt-get update} first only when the plain install fails), telling {@code progress} what it does. Throws a
     * one-sentence {@link UserError} naming what is missing and what to do when it cannot.
     *
     * @param who what needs them, the sentence's subject ({@code the sandbox}, {@code the test suite})
     */
    void ensure(Collection<Prerequisite> needs, String who, SandboxProgress progress) {
        List<Prerequisite> missing = needs.stream().filter(p -> !present.test(p)).toList();
        if (missing.isEmpty()) {
            return;
        }
        String programs = String.join(", ", missing.stream().map(Prerequisite::program).toList());
        Set<String> pkgs = new LinkedHashSet<>();
        missing.forEach(p -> pkgs.add(p.debianPackage()));
        String packages = String.join(" ", pkgs);
        String byHand = "apt-get install " + packages;
        if (aptGet == null) {
            throw new UserError(who + " needs " + programs + " and this machine has no apt-get to install them:"
                    + " install " + packages + " with its package manager");
        }
        if (!root) {
            String them = missing.size() == 1 ? "it" : "them";
            throw new UserError(who + " needs " + programs + (missing.size() == 1 ? ", which is" : ", which are")
                    + " missing, and installing " + them + " needs root: run as root, or install " + them + " first ("
                    + byHand + ")");
        }
        progress.notice("installing " + packages + " (apt-get install; missing: " + programs + ")");
        boolean ownPolicy = !Files.exists(policyRcD, LinkOption.NOFOLLOW_LINKS);
        try {
            if (ownPolicy) {
                Files.writeString(policyRcD, POLICY);
                Files.setPosixFilePermissions(policyRcD, PosixFilePermissions.fromString("rwxr-xr-x"));
            }
            CommandResult r = install(pkgs);
            if (r.exitCode() != 0) {
                progress.notice("installing " + packages + " (apt-get update, then install again)");
                CommandResult u = apt(List.of("update"));
                r = u.exitCode() == 0 ? install(pkgs) : u;
            }
            if (r.exitCode() != 0) {
                throw new UserError("could not install " + packages + " with apt-get (exit " + r.exitCode() + ": "
                        + lastLine(r.stderr()) + "); install them by hand (" + byHand + ") and run the command again");
            }
            List<String> still = missing.stream().filter(p -> !present.test(p)).map(Prerequisite::program).toList();
            if (!still.isEmpty()) {
                throw new UserError("apt-get installed " + packages + " but " + String.join(", ", still)
                        + " is still missing; install it by hand and run the command again");
            }
        } catch (IOException e) {
            throw new UserError("cannot write " + policyRcD + " (it keeps the packages from starting services): "
                    + e.getMessage() + "; install " + packages + " by hand (" + byHand + ")");
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

    private CommandResult install(Collection<String> packages) {
        List<String> args = new ArrayList<>(List.of("install", "-y", "-q", "--no-install-recommends"));
        args.addAll(packages);
        return apt(args);
    }

    private CommandResult apt(List<String> args) {
        List<String> argv = new ArrayList<>();
        argv.add(aptGet.toString());
        argv.addAll(args);
        try {
            return Exec.run(argv, Map.of("DEBIAN_FRONTEND", "noninteractive"), null, TIMEOUT, null);
        } catch (UncheckedIOException e) {
            throw new UserError(e.getMessage() + "; install the packages by hand with the machine's package manager");
        }
    }

    private static String lastLine(String text) {
        String t = text == null ? "" : text.strip();
        int nl = t.lastIndexOf('\n');
        return nl < 0 ? t : t.substring(nl + 1);
    }

    /**
     * The build's prerequisite step ({@code mvn verify} runs it before the first spec): installs what
     * {@code Prerequisite.TESTS} lists, or prints one line naming what is missing and exits 1. The integration specs
     * start sshd hosts in namespaces, so it also says at once when this is not Linux or not root.
     */
    public static void main(String[] args) {
        String who = "the test suite";
        try {
            String why = Sandbox.unsupportedReason();
            if (why != null) {
                throw new UserError(who + ": " + why);
            }
            system().ensure(Prerequisite.TESTS, who, (phase, done, total) -> System.err.println("fleetroll: " + phase));
        } catch (UserError e) {
            System.err.println("fleetroll: " + e.getMessage());
            System.exit(1);
        }
    }
}
