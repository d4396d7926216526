package dev.fleetroll.ssh;

import com.hierynomus.sshj.key.KeyAlgorithm;
import com.hierynomus.sshj.key.KeyAlgorithms;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.KeyPair;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import net.schmizz.sshj.common.Buffer;
import net.schmizz.sshj.common.Factory;
import net.schmizz.sshj.common.KeyType;
import net.schmizz.sshj.common.SSHPacket;
import net.schmizz.sshj.signature.Signature;
import net.schmizz.sshj.userauth.UserAuthException;
import net.schmizz.sshj.userauth.keyprovider.FileKeyProvider;
import net.schmizz.sshj.userauth.keyprovider.KeyFormat;
import net.schmizz.sshj.userauth.keyprovider.KeyProviderUtil;
import net.schmizz.sshj.userauth.method.AbstractAuthMethod;
import org.bouncycastle.math.ec.rfc8032.Ed25519;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The keys fleetroll offers, in OpenSSH's order: the agent's keys first (those matching an IdentityFile keep the
 * file's place; with IdentitiesOnly only those), then the identity files the agent does not hold. Identity files are
 * read and parsed once per process; an encrypted file is skipped (fleetroll never asks for a passphrase: load it into
 * ssh-agent). Each key is offered with its signature at once, which saves the query round trip per connection.
 */
public final class SshAuth {
    private static final Logger LOG = LoggerFactory.getLogger(SshAuth.class);
    private static final long AGENT_CACHE_NANOS = 5_000_000_000L;

    /** Produces an SSH signature blob (string algorithm, string signature) over {@code data}. */
    @FunctionalInterface
    public interface Signer {
        byte[] sign(byte[] data) throws IOException;
    }

    /** One key to offer: where it comes from (for messages), its type and public blob, and how to sign with it. */
    public record Candidate(String source, String keyType, byte[] blob, Signer signer) {
        /** The public key algorithm named in the request: RSA keys sign with rsa-sha2-512. */
        public String algorithm() {
            return keyType.equals("ssh-rsa") ? "rsa-sha2-512" : keyType;
        }
    }

    private final Path defaultAgentSocket;
    private final Path home;
    private final Map<Path, LocalKey> keys = new ConcurrentHashMap<>();
    private final Map<Path, AgentIds> agentCache = new ConcurrentHashMap<>();
    private final List<Factory.Named<FileKeyProvider>> keyFileFactories;

    private record AgentIds(long at, List<SshAgentClient.Identity> ids) {}

    /**
     * @param defaultAgentSocket {@code $SSH_AUTH_SOCK}, or null when there is none
     * @param home the local home, for {@code ~} in IdentityAgent
     */
    public SshAuth(Path defaultAgentSocket, Path home, List<Factory.Named<FileKeyProvider>> keyFileFactories) {
        this.defaultAgentSocket = defaultAgentSocket;
        this.home = home;
        this.keyFileFactories = List.copyOf(keyFileFactories);
    }

    /** The keys to offer to {@code host}, in order. Never throws: unusable sources are logged and skipped. */
    public List<Candidate> candidates(ResolvedHost host) {
        List<LocalKey> files = new ArrayList<>();
        for (Path p : host.identityPaths()) {
            LocalKey k = key(p);
            if (k != null) {
                files.add(k);
            }
        }
        List<Candidate> out = new ArrayList<>();
        SshAgentClient agent = agentFor(host);
        if (agent != null) {
            for (SshAgentClient.Identity id : agentIdentities(agent)) {
                LocalKey matched = null;
                for (LocalKey f : files) {
                    if (f.publicBlob != null && Arrays.equals(f.publicBlob, id.blob())) {
                        matched = f;
                        break;
                    }
                }
                if (matched != null) {
                    files.remove(matched);
                } else if (host.identitiesOnly()) {
                    continue;
                }
                String src = "agent " + (matched != null ? tilde(matched.path) : describe(id));
                byte[] blob = id.blob();
                int flags = id.keyType().equals("ssh-rsa") ? SshAgentClient.RSA_SHA2_512 : 0;
                out.add(new Candidate(src, id.keyType(), blob, data -> agent.sign(blob, data, flags)));
            }
        }
        for (LocalKey f : files) {
            if (f.signer != null) {
                out.add(new Candidate(tilde(f.path), f.keyType, f.publicBlob, f.signer));
            }
        }
        return dedupe(out);
    }

    private static List<Candidate> dedupe(List<Candidate> in) {
        List<Candidate> out = new ArrayList<>();
        outer:
        for (Candidate c : in) {
            for (Candidate o : out) {
                if (Arrays.equals(o.blob, c.blob)) {
                    continue outer;
                }
            }
            out.add(c);
        }
        return out;
    }

    /** What was tried, for the AUTH_FAILED message: {@code agent, ~/.ssh/id_ed25519} or {@code no usable key ...}. */
    public String describeTried(ResolvedHost host, List<Candidate> tried) {
        if (tried.isEmpty()) {
            SshAgentClient agent = agentFor(host);
            String agentNote = agent == null ? "no ssh-agent" : "ssh-agent at " + agent.socket() + " has no usable key";
            List<String> skipped = new ArrayList<>();
            for (Path p : host.identityPaths()) {
                LocalKey k = key(p);
                if (k != null && k.problem != null) {
                    skipped.add(tilde(p) + " " + k.problem);
                }
            }
            return "no key to offer: " + agentNote + (skipped.isEmpty() ? ", no identity file" : ", " + String.join(", ", skipped));
        }
        return "tried " + String.join(", ", tried.stream().map(Candidate::source).toList());
    }

    private SshAgentClient agentFor(ResolvedHost host) {
        String ia = host.identityAgent();
        Path socket;
        if (ia == null || ia.equals("SSH_AUTH_SOCK")) {
            socket = defaultAgentSocket;
        } else if (ia.equalsIgnoreCase("none")) {
            socket = null;
        } else {
            socket = Path.of(ia.startsWith("~/") ? home + ia.substring(1) : ia);
        }
        return socket == null ? null : new SshAgentClient(socket);
    }

    private List<SshAgentClient.Identity> agentIdentities(SshAgentClient agent) {
        long now = System.nanoTime();
        AgentIds cached = agentCache.get(agent.socket());
        if (cached != null && now - cached.at < AGENT_CACHE_NANOS) {
            return cached.ids;
        }
        List<SshAgentClient.Identity> ids;
        try {
            ids = agent.identities();
        } catch (IOException | RuntimeException e) {
            LOG.debug("ssh-agent at {} not usable: {}", agent.socket(), e.getMessage());
            ids = List.of();
        }
        agentCache.put(agent.socket(), new AgentIds(now, ids));
        return ids;
    }

    private static String describe(SshAgentClient.Identity id) {
        String c = id.comment();
        return c == null || c.isBlank() ? KnownHostsVerifier.fingerprint(id.blob()) : c;
    }

    private String tilde(Path p) {
        String s = p.toString();
        String h = home.toString();
        return s.startsWith(h + "/") ? "~" + s.substring(h.length()) : s;
    }

    // ------------------------------------------------------------------ identity files

    /** A parsed identity file; {@code signer} is null when it cannot be used (encrypted, unreadable). */
    private record LocalKey(Path path, String keyType, byte[] publicBlob, Signer signer, String problem) {}

    private LocalKey key(Path p) {
        LocalKey k = keys.get(p);
        if (k == null) {
            k = keys.computeIfAbsent(p, this::load);
        }
        return k.keyType == null && k.problem == null ? null : k;
    }

    private LocalKey load(Path p) {
        byte[] pub = readPub(Path.of(p + ".pub"));
        String text;
        try {
            text = Files.readString(p, StandardCharsets.US_ASCII);
        } catch (NoSuchFileException e) {
            return new LocalKey(p, null, null, null, null);
        } catch (IOException | RuntimeException e) {
            LOG.debug("identity file {} unreadable: {}", p, e.getMessage());
            return new LocalKey(p, pub == null ? "" : SshAgentClient.keyType(pub), pub, null, "(unreadable)");
        }
        try {
            if (text.contains("BEGIN OPENSSH PRIVATE KEY")) {
                LocalKey k = parseOpenSsh(p, text, pub);
                if (k != null) {
                    return k;
                }
            }
            return viaSshj(p, pub);
        } catch (IOException | RuntimeException e) {
            LOG.debug("identity file {} skipped: {}", p, e.getMessage());
            return new LocalKey(p, pub == null ? "" : SshAgentClient.keyType(pub), pub, null, "(" + e.getMessage() + ")");
        }
    }

    private static byte[] readPub(Path pubFile) {
        try {
            String[] f = Files.readString(pubFile, StandardCharsets.US_ASCII).trim().split("\\s+");
            return f.length >= 2 ? Base64.getDecoder().decode(f[1]) : null;
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    /**
     * openssh-key-v1: unencrypted ed25519 keys are signed with BouncyCastle's Ed25519 directly (no JCA lookup per
     * signature); other key types go through SSHJ; encrypted keys are skipped.
     */
    private LocalKey parseOpenSsh(Path p, String text, byte[] pubFromFile) throws IOException {
        String b64 = text.replaceAll("-----[A-Z ]+-----", "").replaceAll("\\s", "");
        ByteBuffer b = ByteBuffer.wrap(Base64.getDecoder().decode(b64));
        byte[] magic = "openssh-key-v1\0".getBytes(StandardCharsets.US_ASCII);
        byte[] m = new byte[magic.length];
        b.get(m);
        if (!Arrays.equals(m, magic)) {
            throw new IOException("not an openssh-key-v1 file");
        }
        String cipher = new String(SshAgentClient.readString(b), StandardCharsets.US_ASCII);
        SshAgentClient.readString(b); // kdf name
        SshAgentClient.readString(b); // kdf options
        int n = b.getInt();
        if (n != 1) {
            return null;
        }
        byte[] pub = SshAgentClient.readString(b);
        String type = SshAgentClient.keyType(pub);
        if (!cipher.equals("none")) {
            LOG.debug("identity file {} is encrypted; skipped (fleetroll never prompts; add it to ssh-agent)", p);
            return new LocalKey(p, type, pub, null, "(encrypted; add it to ssh-agent)");
        }
        if (!type.equals("ssh-ed25519")) {
            return null;
        }
        ByteBuffer priv = ByteBuffer.wrap(SshAgentClient.readString(b));
        if (priv.getInt() != priv.getInt()) {
            throw new IOException("corrupt private key (check ints differ)");
        }
        SshAgentClient.readString(priv); // key type
        byte[] pk = SshAgentClient.readString(priv);
        byte[] sk = SshAgentClient.readString(priv);
        if (pk.length != 32 || sk.length != 64) {
            throw new IOException("unexpected ed25519 key lengths");
        }
        byte[] seed = Arrays.copyOf(sk, 32);
        byte[] alg = "ssh-ed25519".getBytes(StandardCharsets.US_ASCII);
        Signer signer = data -> {
            byte[] sig = new byte[Ed25519.SIGNATURE_SIZE];
            Ed25519.sign(seed, 0, pk, 0, data, 0, data.length, sig, 0);
            ByteArrayOutputStream out = new ByteArrayOutputStream(83);
            SshAgentClient.writeString(out, alg);
            SshAgentClient.writeString(out, sig);
            return out.toByteArray();
        };
        return new LocalKey(p, type, pub, signer, null);
    }

    private LocalKey viaSshj(Path p, byte[] pubFromFile) throws IOException {
        KeyFormat format = KeyProviderUtil.detectKeyFileFormat(p.toFile());
        FileKeyProvider fkp = Factory.Named.Util.create(keyFileFactories, format.toString());
        if (fkp == null) {
            throw new IOException("unsupported key format " + format);
        }
        fkp.init(p.toFile());
        KeyPair kp;
        try {
            kp = new KeyPair(fkp.getPublic(), fkp.getPrivate());
        } catch (IOException | RuntimeException e) {
            String why = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
            LOG.debug("identity file {} skipped (encrypted or unreadable without a passphrase): {}", p, why);
            return new LocalKey(p, pubFromFile == null ? "" : SshAgentClient.keyType(pubFromFile), pubFromFile, null,
                    "(encrypted or unsupported; add it to ssh-agent)");
        }
        KeyType kt = KeyType.fromKey(kp.getPublic());
        byte[] blob = new Buffer.PlainBuffer().putPublicKey(kp.getPublic()).getCompactData();
        String type = kt.toString();
        KeyAlgorithm algorithm = switch (type) {
            case "ssh-rsa" -> KeyAlgorithms.RSASHA512().create();
            case "ecdsa-sha2-nistp256" -> KeyAlgorithms.ECDSASHANistp256().create();
            case "ecdsa-sha2-nistp384" -> KeyAlgorithms.ECDSASHANistp384().create();
            case "ecdsa-sha2-nistp521" -> KeyAlgorithms.ECDSASHANistp521().create();
            case "ssh-ed25519" -> KeyAlgorithms.EdDSA25519().create();
            default -> null;
        };
        if (algorithm == null) {
            return new LocalKey(p, type, blob, null, "(key type " + type + " not supported)");
        }
        String algName = algorithm.getKeyAlgorithm();
        Signer signer = data -> {
            Signature s = algorithm.newSignature();
            s.initSign(kp.getPrivate());
            s.update(data);
            return new Buffer.PlainBuffer().putString(algName).putBytes(s.encode(s.sign())).getCompactData();
        };
        return new LocalKey(p, type, blob, signer, null);
    }

    // ------------------------------------------------------------------ SSHJ glue

    /** One "publickey" attempt with the signature included (RFC 4252 section 7 allows skipping the query). */
    static final class PublicKeyOffer extends AbstractAuthMethod {
        private final Candidate candidate;

        PublicKeyOffer(Candidate candidate) {
            super("publickey");
            this.candidate = candidate;
        }

        @Override
        protected SSHPacket buildReq() throws UserAuthException {
            String alg = candidate.algorithm();
            SSHPacket req = super.buildReq().putBoolean(true).putString(alg).putString(candidate.blob());
            byte[] data = new Buffer.PlainBuffer()
                    .putString(params.getTransport().getSessionID())
                    .putBuffer(req)
                    .getCompactData();
            try {
                return req.putString(candidate.signer().sign(data));
            } catch (IOException | RuntimeException e) {
                throw new UserAuthException("signing with " + candidate.source() + " failed: " + e.getMessage(), e);
            }
        }

        @Override
        public String toString() {
            return "publickey " + candidate.source();
        }
    }
}
