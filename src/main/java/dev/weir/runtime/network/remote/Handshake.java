package dev.weir.runtime.network.remote;

import java.io.DataOutput;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;

/**
 * The first exchange on a new connection: the dialer sends HELLO (job token, its worker index,
 * attempt), the acceptor answers HELLO_REPLY (verdict, its worker index), and the dialer, having
 * read an acceptance, sends HELLO_CONFIRM. Only the dialer proves the token; both ends are workers
 * of the same job deployment, so one check per pair suffices.
 *
 * <p>The confirmation is what makes a connection the pair's: a dialer commits once it has read the
 * acceptance, the acceptor only once it has read the confirmation. A dialer that gave up before the
 * answer (its handshake timed out) never confirms, so its abandoned socket, whose HELLO the
 * acceptor may read much later, never takes the place of its next try.
 */
final class Handshake {

    /** The acceptor's verdict; the ordinal is the byte on the wire. */
    enum Verdict {
        ACCEPTED("accepted"),
        BAD_TOKEN("bad token"),
        BAD_ATTEMPT("bad attempt"),
        UNEXPECTED_WORKER("unexpected worker index");

        final String reason;

        Verdict(String reason) {
            this.reason = reason;
        }
    }

    /** What the dialer claims. The token is kept as bytes and never printed. */
    record Hello(byte[] token, int workerIndex, long attempt) {
        @Override
        public String toString() {
            return "Hello[worker=" + workerIndex + ", attempt=" + attempt + "]";
        }
    }

    private static final int MAX_TOKEN_BYTES = 4096;
    /** The largest handshake frame: a HELLO with the longest token. Checked before anything is sized from a length header. */
    static final int MAX_FRAME_LENGTH = FrameBuffer.HEADER_AFTER_LENGTH + Integer.BYTES + MAX_TOKEN_BYTES
            + Integer.BYTES + Long.BYTES;

    private Handshake() {}

    static byte[] tokenBytes(String token) {
        return token.getBytes(StandardCharsets.UTF_8);
    }

    /** Dialer side: sends HELLO and returns the acceptor's worker index, or throws if refused. */
    static int dial(FrameStream stream, Hello hello, int expectedWorker) throws IOException {
        FrameBuffer frame = new FrameBuffer(64 + hello.token().length);
        DataOutput out = frame.start(FrameType.HELLO, 0);
        out.writeInt(hello.token().length);
        out.write(hello.token());
        out.writeInt(hello.workerIndex());
        out.writeLong(hello.attempt());
        frame.finish();
        stream.write(frame);
        stream.readFrame(MAX_FRAME_LENGTH);
        if (stream.type() != FrameType.HELLO_REPLY) {
            throw new IOException("worker " + expectedWorker + " answered the handshake with " + stream.type());
        }
        int verdictOrdinal = stream.payload().readByte();
        int acceptor = stream.payload().readInt();
        Verdict verdict = verdictOrdinal >= 0 && verdictOrdinal < Verdict.values().length
                ? Verdict.values()[verdictOrdinal] : null;
        if (verdict != Verdict.ACCEPTED) {
            throw new HandshakeRefusedException("refused by worker " + expectedWorker + ": "
                    + (verdict == null ? "unknown verdict " + verdictOrdinal : verdict.reason));
        }
        if (acceptor != expectedWorker) {
            throw new HandshakeRefusedException("expected worker " + expectedWorker + " at " + stream.remoteAddress()
                    + " but worker " + acceptor + " answered");
        }
        FrameBuffer confirm = new FrameBuffer(16);
        confirm.start(FrameType.HELLO_CONFIRM, 0);
        confirm.finish();
        stream.write(confirm);
        return acceptor;
    }

    /** Acceptor side: reads the dialer's HELLO. */
    static Hello readHello(FrameStream stream) throws IOException {
        stream.readFrame(MAX_FRAME_LENGTH);
        if (stream.type() != FrameType.HELLO) {
            throw new IOException("expected HELLO, got " + stream.type());
        }
        int tokenLength = stream.payload().readInt();
        if (tokenLength < 0 || tokenLength > MAX_TOKEN_BYTES) {
            throw new IOException("bad token length " + tokenLength);
        }
        byte[] token = new byte[tokenLength];
        stream.payload().readFully(token);
        return new Hello(token, stream.payload().readInt(), stream.payload().readLong());
    }

    /** Acceptor side: judges a HELLO. Constant-time token comparison, so timing does not leak it. */
    static Verdict judge(Hello hello, byte[] expectedToken, long expectedAttempt, int self) {
        if (!MessageDigest.isEqual(hello.token(), expectedToken)) {
            return Verdict.BAD_TOKEN;
        }
        if (hello.attempt() != expectedAttempt) {
            return Verdict.BAD_ATTEMPT;
        }
        // The lower index dials the higher one: anything else would make a second connection per pair.
        if (hello.workerIndex() < 0 || hello.workerIndex() >= self) {
            return Verdict.UNEXPECTED_WORKER;
        }
        return Verdict.ACCEPTED;
    }

    /** Acceptor side, after accepting: waits for the dialer's HELLO_CONFIRM; EOF means the dialer gave up. */
    static void awaitConfirm(FrameStream stream) throws IOException {
        stream.readFrame(MAX_FRAME_LENGTH);
        if (stream.type() != FrameType.HELLO_CONFIRM) {
            throw new IOException("expected HELLO_CONFIRM, got " + stream.type());
        }
    }

    static void reply(FrameStream stream, Verdict verdict, int self) throws IOException {
        FrameBuffer frame = new FrameBuffer(32);
        DataOutput out = frame.start(FrameType.HELLO_REPLY, 0);
        out.writeByte(verdict.ordinal());
        out.writeInt(self);
        frame.finish();
        stream.write(frame);
    }

    /** The peer answered but said no: retrying will not help. */
    static final class HandshakeRefusedException extends IOException {
        HandshakeRefusedException(String message) {
            super(message);
        }
    }
}
