package dev.fleetroll.sandbox;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.security.SecureRandom;
import java.util.Base64;
import org.bouncycastle.crypto.params.Ed25519PrivateKeyParameters;
import org.bouncycastle.crypto.util.OpenSSHPrivateKeyUtil;
import org.bouncycastle.crypto.util.OpenSSHPublicKeyUtil;

/**
 * Ed25519 key pairs in OpenSSH's own formats, made in-process with Bouncy Castle (already on the classpath for
 * SSHJ): a fleet needs one host key per host, and forking ssh-keygen hundreds of times would dominate {@code up}.
 */
final class SshKeys {
    private static final SecureRandom RANDOM = new SecureRandom();

    private SshKeys() {}

    /**
     * @param privateKey the {@code -----BEGIN OPENSSH PRIVATE KEY-----} file content (unencrypted)
     * @param publicKey one line: {@code ssh-ed25519 AAAA... comment}
     */
    record KeyPair(String privateKey, String publicKey) {
        /** {@code ssh-ed25519 AAAA...} without the comment. */
        String publicKeyNoComment() {
            String[] f = publicKey.split(" ");
            return f[0] + " " + f[1];
        }
    }

    static KeyPair ed25519(String comment) {
        Ed25519PrivateKeyParameters key = new Ed25519PrivateKeyParameters(RANDOM);
        try {
            byte[] blob = OpenSSHPrivateKeyUtil.encodePrivateKey(key);
            String body = Base64.getMimeEncoder(70, "\n".getBytes()).encodeToString(blob);
            String privateKey = "-----BEGIN OPENSSH PRIVATE KEY-----\n" + body + "\n-----END OPENSSH PRIVATE KEY-----\n";
            byte[] pub = OpenSSHPublicKeyUtil.encodePublicKey(key.generatePublicKey());
            return new KeyPair(privateKey, "ssh-ed25519 " + Base64.getEncoder().encodeToString(pub) + " " + comment);
        } catch (IOException e) {
            throw new UncheckedIOException("encoding an ed25519 key", e);
        }
    }
}
