package dev.fleetroll.sandbox;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.stream.Collectors;

/**
 * The sandbox's non-root login user (for specs of {@code sudo -n} paths), created inside each host only: the host's
 * /etc overlay layer gets copies of passwd, group and shadow with the user added, a sudoers.d rule for passwordless
 * sudo, and its /home overlay the user's home. The machine's own files are never touched.
 *
 * <p>Also: with {@code UsePAM no}, sshd refuses key logins for an account whose shadow password starts with
 * {@code !} (locked). If the machine's root is locked that way, hosts get a shadow copy where root has {@code *}.
 */
final class LoginUser {
    private static final Path PASSWD = Path.of("/etc/passwd");
    private static final Path GROUP = Path.of("/etc/group");
    private static final Path SHADOW = Path.of("/etc/shadow");

    private final String name;
    private final int uid;

    private LoginUser(String name, int uid) {
        this.name = name;
        this.uid = uid;
    }

    /** A user named {@code name} with the first uid (and gid) from 2000 that the machine does not use. */
    static LoginUser plan(String name) {
        try {
            List<String> passwd = Files.readAllLines(PASSWD);
            List<String> group = Files.readAllLines(GROUP);
            for (String l : passwd) {
                if (l.startsWith(name + ":")) {
                    throw new dev.fleetroll.UserError("login user '" + name + "' already exists on this machine;"
                            + " choose a name the sandbox can create inside its hosts");
                }
            }
            int uid = 2000;
            while (used(passwd, 2, uid) || used(group, 2, uid)) {
                uid++;
            }
            return new LoginUser(name, uid);
        } catch (IOException e) {
            throw new SandboxException("cannot read /etc/passwd or /etc/group: " + e.getMessage(), e);
        }
    }

    private static boolean used(List<String> lines, int field, int id) {
        for (String l : lines) {
            String[] f = l.split(":");
            if (f.length > field && f[field].equals(Integer.toString(id))) {
                return true;
            }
        }
        return false;
    }

    /** Writes the user into host directory {@code h} (its etc/ and home/ overlay layers). */
    void install(Path h, HostOs os) throws IOException {
        Path etc = h.resolve("etc");
        String home = "/home/" + name;
        Path passwd = etc.resolve("passwd");
        Files.writeString(passwd, passwdFor(os) + name + ":x:" + uid + ":" + uid + ":fleetroll sandbox user:" + home + ":/bin/bash\n");
        sameOwnerAndMode(PASSWD, passwd);
        Path group = etc.resolve("group");
        Files.writeString(group, groupFor(os) + name + ":x:" + uid + ":\n");
        sameOwnerAndMode(GROUP, group);
        Path shadow = etc.resolve("shadow");
        Files.writeString(shadow, unlockedShadow() + name + ":*:20000:0:99999:7:::\n");
        sameOwnerAndMode(SHADOW, shadow);
        Files.createDirectories(etc.resolve("sudoers.d"));
        Path rule = etc.resolve("sudoers.d/fleetroll-sandbox");
        Files.writeString(rule, "# fleetroll sandbox login user\n" + name + " ALL=(ALL:ALL) NOPASSWD: ALL\n");
        Files.setPosixFilePermissions(rule, PosixFilePermissions.fromString("r--r-----"));
        Path dir = h.resolve("home").resolve(name);
        Files.createDirectories(dir);
        Files.createDirectories(h.resolve("home.work"));
        Files.setAttribute(dir, "unix:uid", uid);
        Files.setAttribute(dir, "unix:gid", uid);
    }

    /**
     * The machine's passwd as a host of {@code os} has it: on a macOS-like host root's home is /var/root (so sshd and
     * shells start there, not in the machine's /root).
     */
    static String passwdFor(HostOs os) throws IOException {
        List<String> lines = Files.readAllLines(PASSWD);
        StringBuilder s = new StringBuilder();
        for (String l : lines) {
            if (os == HostOs.MACOS && l.startsWith("root:")) {
                String[] f = l.split(":", -1);
                if (f.length >= 7) {
                    f[5] = "/var/root";
                    l = String.join(":", f);
                }
            }
            s.append(l).append('\n');
        }
        return s.toString();
    }

    /**
     * The machine's group file as a host of {@code os} has it: a macOS-like host also has {@code wheel} as gid 0
     * (listed first, so files owned by gid 0 show as wheel, as on macOS), which the group {@code auto} of
     * fleetroll's writes means there.
     */
    static String groupFor(HostOs os) throws IOException {
        String text = Files.readString(GROUP);
        if (!text.isEmpty() && !text.endsWith("\n")) {
            text += "\n";
        }
        if (os == HostOs.MACOS && text.lines().noneMatch(l -> l.startsWith("wheel:"))) {
            text = "wheel:x:0:root\n" + text;
        }
        return text;
    }

    /** Puts the macOS-style passwd (root's home /var/root) and group (wheel) into a host's /etc layer. */
    static void macPasswd(Path etc) throws IOException {
        Path copy = etc.resolve("passwd");
        Files.writeString(copy, passwdFor(HostOs.MACOS));
        sameOwnerAndMode(PASSWD, copy);
        Path group = etc.resolve("group");
        Files.writeString(group, groupFor(HostOs.MACOS));
        sameOwnerAndMode(GROUP, group);
    }

    /** True when the machine's root account is locked ({@code !}), so hosts need a shadow copy for key logins. */
    static boolean rootLocked() {
        try {
            return Files.readAllLines(SHADOW).stream().anyMatch(l -> l.startsWith("root:!"));
        } catch (IOException e) {
            return false;
        }
    }

    /** Puts a shadow copy with root unlocked into a host's /etc layer. */
    static void unlockRoot(Path etc) throws IOException {
        Path copy = etc.resolve("shadow");
        Files.writeString(copy, unlockedShadow());
        sameOwnerAndMode(SHADOW, copy);
    }

    private static String unlockedShadow() throws IOException {
        return unlockedShadow(Files.readString(SHADOW));
    }

    /** The shadow text with a locked root ({@code root:!...}) turned into {@code root:*} (no password, keys only). */
    static String unlockedShadow(String shadow) {
        return shadow.lines()
                .map(l -> l.startsWith("root:!") && l.indexOf(':', 5) > 0 ? "root:*" + l.substring(l.indexOf(':', 5)) : l)
                .collect(Collectors.joining("\n", "", "\n"));
    }

    private static void sameOwnerAndMode(Path real, Path copy) throws IOException {
        Files.setPosixFilePermissions(copy, Files.getPosixFilePermissions(real));
        Files.setAttribute(copy, "unix:uid", Files.getAttribute(real, "unix:uid"));
        Files.setAttribute(copy, "unix:gid", Files.getAttribute(real, "unix:gid"));
    }
}
