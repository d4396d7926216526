package dev.fleetroll.ssh;

import com.hierynomus.sshj.key.KeyAlgorithm;
import com.hierynomus.sshj.key.KeyAlgorithms;
import com.hierynomus.sshj.transport.cipher.BlockCiphers;
import com.hierynomus.sshj.transport.cipher.GcmCiphers;
import com.hierynomus.sshj.transport.kex.DHGroups;
import com.hierynomus.sshj.transport.kex.ExtInfoClientFactory;
import com.hierynomus.sshj.transport.mac.Macs;
import com.hierynomus.sshj.userauth.keyprovider.OpenSSHKeyV1KeyFile;
import java.io.ByteArrayOutputStream;
import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.List;
import net.schmizz.keepalive.KeepAliveProvider;
import net.schmizz.sshj.ConfigImpl;
import net.schmizz.sshj.common.Buffer;
import net.schmizz.sshj.common.DisconnectReason;
import net.schmizz.sshj.common.Factory;
import net.schmizz.sshj.common.KeyType;
import net.schmizz.sshj.common.Message;
import net.schmizz.sshj.common.SSHPacket;
import net.schmizz.sshj.common.SSHRuntimeException;
import net.schmizz.sshj.common.SecurityUtils;
import net.schmizz.sshj.signature.Signature;
import net.schmizz.sshj.transport.Transport;
import net.schmizz.sshj.transport.TransportException;
import net.schmizz.sshj.transport.compression.NoneCompression;
import net.schmizz.sshj.transport.digest.SHA256;
import net.schmizz.sshj.transport.kex.DHGexSHA256;
import net.schmizz.sshj.transport.kex.ECDHNistP;
import net.schmizz.sshj.transport.kex.KeyExchange;
import net.schmizz.sshj.transport.kex.KeyExchangeBase;
import net.schmizz.sshj.transport.random.JCERandom;
import net.schmizz.sshj.transport.random.SingletonRandomFactory;
import net.schmizz.sshj.userauth.keyprovider.FileKeyProvider;
import net.schmizz.sshj.userauth.keyprovider.OpenSSHKeyFile;
import net.schmizz.sshj.userauth.keyprovider.PKCS8KeyFile;
import net.schmizz.sshj.userauth.keyprovider.PuTTYKeyFile;
import org.bouncycastle.math.ec.rfc7748.X25519;
import org.bouncycastle.math.ec.rfc8032.Ed25519;

/**
 * The SSHJ configuration fleetroll uses, chosen for client CPU per handshake (measured: see
 * {@code docs/ssh-engine.md}).
 *
 * <ul>
 *   <li>BouncyCastle is <em>not</em> registered as a JCA provider: registering it and verifying its signed jar costs
 *       ~0.5-0.8 s of CPU at start-up, and SSHJ would then run SHA-2, AES and HMAC through BC's pure-Java code
 *       instead of the JDK's intrinsics (SHA-NI, AES-NI, CLMUL).</li>
 *   <li>{@code curve25519-sha256} first, computed with BC's X25519 directly (2-3x faster than the JDK's XDH);
 *       ECDH-P256 and DH groups stay as fallbacks for old servers.</li>
 *   <li>{@code ssh-ed25519} host keys verified with BC's Ed25519 directly (~8x faster than the JDK's EdDSA);
 *       ECDSA and RSA-SHA2 host keys through the JDK.</li>
 *   <li>AES-GCM first (one JDK cipher pass, no separate MAC), then AES-CTR with encrypt-then-MAC SHA-2.</li>
 *   <li>SSHJ's own keep-alive thread is not started (interval 0); the pool sends {@code keepalive@openssh.com}
 *       from one shared scheduler instead of one thread per connection.</li>
 * </ul>
 */
public final class SshjCrypto {
    static {
        SecurityUtils.setRegisterBouncyCastle(false);
    }

    private static final SecureRandom RANDOM = new SecureRandom();

    private SshjCrypto() {}

    /** A fresh configuration (SSHJ's {@code DefaultConfig} probes ~30 ciphers at construction; this does not). */
    public static ConfigImpl config() {
        ConfigImpl c = new ConfigImpl();
        c.setVersion("SSHJ_0.40.0_fleetroll");
        c.setLoggerFactory(net.schmizz.sshj.common.LoggerFactory.DEFAULT);
        c.setRandomFactory(new SingletonRandomFactory(new JCERandom.Factory()));
        c.setKeyExchangeFactories(List.of(
                new Curve25519Kex.Factory("curve25519-sha256"),
                new Curve25519Kex.Factory("curve25519-sha256@libssh.org"),
                new ECDHNistP.Factory256(),
                DHGroups.Group14SHA256(),
                new DHGexSHA256.Factory(),
                DHGroups.Group16SHA512(),
                DHGroups.Group18SHA512(),
                new ExtInfoClientFactory()));
        c.setKeyAlgorithms(List.of(
                new KeyAlgorithms.Factory(KeyType.ED25519.toString(), new FastEd25519.Factory(), KeyType.ED25519),
                KeyAlgorithms.ECDSASHANistp256(),
                KeyAlgorithms.ECDSASHANistp384(),
                KeyAlgorithms.ECDSASHANistp521(),
                KeyAlgorithms.RSASHA512(),
                KeyAlgorithms.RSASHA256()));
        c.setCipherFactories(List.of(
                GcmCiphers.AES128GCM(),
                GcmCiphers.AES256GCM(),
                BlockCiphers.AES128CTR(),
                BlockCiphers.AES256CTR()));
        c.setMACFactories(List.of(
                Macs.HMACSHA2256Etm(),
                Macs.HMACSHA2512Etm(),
                Macs.HMACSHA2256(),
                Macs.HMACSHA2512(),
                Macs.HMACSHA1()));
        c.setCompressionFactories(List.of(new NoneCompression.Factory()));
        c.setFileKeyProviderFactories(keyFileFactories());
        c.setKeepAliveProvider(KeepAliveProvider.KEEP_ALIVE);
        return c;
    }

    public static List<Factory.Named<FileKeyProvider>> keyFileFactories() {
        return List.of(new OpenSSHKeyV1KeyFile.Factory(), new PKCS8KeyFile.Factory(), new OpenSSHKeyFile.Factory(),
                new PuTTYKeyFile.Factory());
    }

    /** curve25519-sha256 (RFC 8731) with BC's X25519 and the JDK's SHA-256. */
    static final class Curve25519Kex extends KeyExchangeBase {
        private final byte[] privateKey = new byte[X25519.SCALAR_SIZE];
        private final byte[] publicKey = new byte[X25519.POINT_SIZE];
        private BigInteger k;

        Curve25519Kex() {
            super(new SHA256());
        }

        record Factory(String name) implements net.schmizz.sshj.common.Factory.Named<KeyExchange> {
            @Override
            public KeyExchange create() {
                return new Curve25519Kex();
            }

            @Override
            public String getName() {
                return name;
            }
        }

        @Override
        public void init(Transport trans, String vs, String vc, byte[] is, byte[] ic)
                throws GeneralSecurityException, TransportException {
            super.init(trans, vs, vc, is, ic);
            digest.init();
            X25519.generatePrivateKey(RANDOM, privateKey);
            X25519.generatePublicKey(privateKey, 0, publicKey, 0);
            trans.write(new SSHPacket(Message.KEXDH_INIT).putBytes(publicKey));
        }

        @Override
        public boolean next(Message msg, SSHPacket packet) throws GeneralSecurityException, TransportException {
            if (msg != Message.KEXDH_31) {
                throw new TransportException(DisconnectReason.KEY_EXCHANGE_FAILED, "Unexpected packet: " + msg);
            }
            byte[] hostKeyBlob;
            byte[] serverPublic;
            byte[] sig;
            try {
                hostKeyBlob = packet.readBytes();
                serverPublic = packet.readBytes();
                sig = packet.readBytes();
                hostKey = new Buffer.PlainBuffer(hostKeyBlob).readPublicKey();
            } catch (Buffer.BufferException e) {
                throw new TransportException(e);
            }
            if (serverPublic.length != X25519.POINT_SIZE) {
                throw new TransportException(DisconnectReason.KEY_EXCHANGE_FAILED, "bad curve25519 public key length");
            }
            byte[] shared = new byte[X25519.POINT_SIZE];
            if (!X25519.calculateAgreement(privateKey, 0, serverPublic, 0, shared, 0)) {
                throw new TransportException(DisconnectReason.KEY_EXCHANGE_FAILED, "curve25519 shared secret is zero");
            }
            Arrays.fill(privateKey, (byte) 0);
            k = new BigInteger(1, shared);
            Buffer.PlainBuffer buf = initializedBuffer()
                    .putString(hostKeyBlob)
                    .putBytes(publicKey)
                    .putBytes(serverPublic)
                    .putMPInt(k);
            digest.update(buf.array(), buf.rpos(), buf.available());
            H = digest.digest();
            KeyAlgorithm alg = trans.getHostKeyAlgorithm();
            Signature signature = alg.newSignature();
            signature.initVerify(hostKey);
            signature.update(H, 0, H.length);
            if (!signature.verify(sig)) {
                throw new TransportException(DisconnectReason.KEY_EXCHANGE_FAILED, "KeyExchange signature verification failed");
            }
            return true;
        }

        @Override
        public BigInteger getK() {
            return k;
        }
    }

    /** ssh-ed25519 host key signatures verified with BC's Ed25519 (no JCA provider lookup per handshake). */
    static final class FastEd25519 implements Signature {
        private final ByteArrayOutputStream data = new ByteArrayOutputStream(64);
        private byte[] publicKey;

        static final class Factory implements net.schmizz.sshj.common.Factory.Named<Signature> {
            @Override
            public Signature create() {
                return new FastEd25519();
            }

            @Override
            public String getName() {
                return KeyType.ED25519.toString();
            }
        }

        @Override
        public String getSignatureName() {
            return KeyType.ED25519.toString();
        }

        @Override
        public void initVerify(PublicKey key) {
            byte[] enc = key.getEncoded();
            if (enc == null || enc.length < Ed25519.PUBLIC_KEY_SIZE) {
                throw new SSHRuntimeException("unexpected Ed25519 public key encoding");
            }
            publicKey = Arrays.copyOfRange(enc, enc.length - Ed25519.PUBLIC_KEY_SIZE, enc.length);
            data.reset();
        }

        @Override
        public void initSign(PrivateKey key) {
            throw new SSHRuntimeException("FastEd25519 only verifies");
        }

        @Override
        public void update(byte[] b) {
            data.write(b, 0, b.length);
        }

        @Override
        public void update(byte[] b, int off, int len) {
            data.write(b, off, len);
        }

        @Override
        public byte[] sign() {
            throw new SSHRuntimeException("FastEd25519 only verifies");
        }

        @Override
        public byte[] encode(byte[] signature) {
            return signature;
        }

        @Override
        public boolean verify(byte[] sig) {
            byte[] raw;
            try {
                Buffer.PlainBuffer b = new Buffer.PlainBuffer(sig);
                String alg = b.readString();
                if (!alg.equals(KeyType.ED25519.toString())) {
                    return false;
                }
                raw = b.readBytes();
            } catch (Buffer.BufferException e) {
                return false;
            }
            if (raw.length != Ed25519.SIGNATURE_SIZE) {
                return false;
            }
            byte[] m = data.toByteArray();
            return Ed25519.verify(raw, 0, publicKey, 0, m, 0, m.length);
        }
    }
}
