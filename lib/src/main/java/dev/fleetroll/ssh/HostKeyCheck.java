package dev.fleetroll.ssh;

import java.nio.file.Path;
import java.security.PublicKey;
import java.util.ArrayList;
import java.util.List;
import net.schmizz.sshj.common.Buffer;
import net.schmizz.sshj.common.KeyType;
import net.schmizz.sshj.transport.verification.HostKeyVerifier;

/**
 * SSHJ's host-key hook for one connection attempt, asking the shared {@link KnownHostsVerifier} with the host's
 * resolved known_hosts settings; remembers the verdict so that {@link SshConnector} can name a refused key.
 */
final class HostKeyCheck implements HostKeyVerifier {
    private final KnownHostsVerifier verifier;
    private final ResolvedHost rh;
    private final String policy;
    volatile KnownHostsVerifier.Verdict verdict;

    HostKeyCheck(KnownHostsVerifier verifier, ResolvedHost rh, String policy) {
        this.verifier = verifier;
        this.rh = rh;
        this.policy = policy;
    }

    /** True when a key was offered and refused (changed, revoked, unknown under {@code yes}). */
    boolean refused() {
        KnownHostsVerifier.Verdict v = verdict;
        return v != null && !v.accepted();
    }

    @Override
    public boolean verify(String hostname, int port, PublicKey key) {
        try {
            byte[] blob = new Buffer.PlainBuffer().putPublicKey(key).getCompactData();
            String type = KeyType.fromKey(key).toString();
            verdict = verifier.verify(rh.knownHostsName(), rh.port(), rh.hostKeyAlias() != null,
                    rh.userKnownHostsFiles(), rh.globalKnownHostsFiles(), policy, type, blob);
        } catch (RuntimeException e) {
            verdict = new KnownHostsVerifier.Verdict(false, "host key for " + rh.knownHostsName()
                    + " could not be checked: " + SshConnector.oneLine(e));
        }
        return verdict.accepted();
    }

    /** The key types already known for the host, so the server is asked for one of those first. */
    @Override
    public List<String> findExistingAlgorithms(String hostname, int port) {
        List<Path> all = new ArrayList<>(rh.userKnownHostsFiles());
        all.addAll(rh.globalKnownHostsFiles());
        List<String> algs = new ArrayList<>();
        for (String t : verifier.knownKeyTypes(rh.knownHostsName(), rh.port(), rh.hostKeyAlias() != null, all)) {
            if (t.equals("ssh-rsa")) {
                algs.add("rsa-sha2-512");
                algs.add("rsa-sha2-256");
            } else {
                algs.add(t);
            }
        }
        return algs;
    }
}
