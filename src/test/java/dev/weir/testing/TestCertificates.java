package dev.weir.testing;

import java.io.IOException;
import java.io.Writer;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.concurrent.atomic.AtomicLong;

import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.asn1.sec.ECPrivateKey;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.util.io.pem.PemObject;

/**
 * A CA made at test time and the certificates it issues, written as a cert-manager Certificate's
 * Secret would be mounted: {@code tls.crt}, {@code tls.key}, {@code ca.crt} in one directory.
 */
public final class TestCertificates {

    /** How {@code tls.key} is written: cert-manager's default is PKCS#1 RSA; it can write PKCS#8 and EC keys too. */
    public enum KeyFormat { RSA_PKCS1, RSA_PKCS8, EC_SEC1, EC_PKCS8 }

    private static final AtomicLong SERIAL = new AtomicLong(System.currentTimeMillis());

    private final KeyPair caKeys;
    private final X509CertificateHolder caCertificate;

    private TestCertificates(KeyPair caKeys, X509CertificateHolder caCertificate) {
        this.caKeys = caKeys;
        this.caCertificate = caCertificate;
    }

    /** A new self-signed CA named {@code name}, valid for a day. */
    public static TestCertificates newAuthority(String name) throws GeneralSecurityException, IOException {
        KeyPair keys = ecKeys();
        X500Name subject = new X500Name("CN=" + name);
        JcaX509v3CertificateBuilder builder = builder(subject, subject, keys);
        builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(true));
        builder.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
        return new TestCertificates(keys, sign(builder, keys));
    }

    /** Issues a certificate for {@code commonName} (server and client use) into {@code directory}, with {@code ca.crt}. */
    public Path issue(Path directory, String commonName, KeyFormat format) throws GeneralSecurityException, IOException {
        KeyPair keys = format == KeyFormat.EC_SEC1 || format == KeyFormat.EC_PKCS8 ? ecKeys() : rsaKeys();
        JcaX509v3CertificateBuilder builder = builder(caCertificate.getSubject(), new X500Name("CN=" + commonName), keys);
        builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
        builder.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature | KeyUsage.keyEncipherment));
        builder.addExtension(Extension.extendedKeyUsage, false,
                new ExtendedKeyUsage(new KeyPurposeId[] {KeyPurposeId.id_kp_serverAuth, KeyPurposeId.id_kp_clientAuth}));
        X509CertificateHolder certificate = sign(builder, caKeys);
        Files.createDirectories(directory);
        write(directory.resolve("tls.crt"), certificate);
        write(directory.resolve("ca.crt"), caCertificate);
        write(directory.resolve("tls.key"), switch (format) {
            case RSA_PKCS8, EC_PKCS8 -> new JcaPKCS8Generator(keys.getPrivate(), null);
            case RSA_PKCS1 -> keys.getPrivate();
            case EC_SEC1 -> sec1(keys.getPrivate());
        });
        return directory;
    }

    /**
     * An EC key as OpenSSL and cert-manager write {@code EC PRIVATE KEY}: with its curve inside.
     * (Bouncy Castle's PEM writer leaves the curve out, as the JDK's PKCS#8 inner structure does.)
     */
    private static PemObject sec1(PrivateKey key) throws IOException {
        PrivateKeyInfo pkcs8 = PrivateKeyInfo.getInstance(key.getEncoded());
        ECPrivateKey inner = ECPrivateKey.getInstance(pkcs8.parsePrivateKey());
        ECPrivateKey withCurve = new ECPrivateKey(256, inner.getKey(), inner.getPublicKey(),
                pkcs8.getPrivateKeyAlgorithm().getParameters());
        return new PemObject("EC PRIVATE KEY", withCurve.getEncoded());
    }

    private static JcaX509v3CertificateBuilder builder(X500Name issuer, X500Name subject, KeyPair keys) {
        Instant now = Instant.now();
        return new JcaX509v3CertificateBuilder(issuer, BigInteger.valueOf(SERIAL.incrementAndGet()),
                Date.from(now.minus(Duration.ofMinutes(5))), Date.from(now.plus(Duration.ofDays(1))), subject,
                keys.getPublic());
    }

    private static X509CertificateHolder sign(JcaX509v3CertificateBuilder builder, KeyPair signer) throws IOException {
        try {
            return builder.build(new JcaContentSignerBuilder("SHA256withECDSA").build(signer.getPrivate()));
        } catch (OperatorCreationException e) {
            throw new IOException(e);
        }
    }

    private static KeyPair ecKeys() throws GeneralSecurityException {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
        generator.initialize(new ECGenParameterSpec("secp256r1"));
        return generator.generateKeyPair();
    }

    private static KeyPair rsaKeys() throws GeneralSecurityException {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
        generator.initialize(2048);
        return generator.generateKeyPair();
    }

    private static void write(Path file, Object pemObject) throws IOException {
        try (Writer out = Files.newBufferedWriter(file); JcaPEMWriter pem = new JcaPEMWriter(out)) {
            pem.writeObject(pemObject);
        }
    }
}
