package dev.weir.runtime.network.remote;

/** The kinds of frames on a data-plane connection; the code is the byte on the wire. */
enum FrameType {
    HELLO(1),
    HELLO_REPLY(2),
    BATCH(3),
    BARRIER(4),
    END_OF_DATA(5),
    END_OF_PARTITION(6),
    CREDIT(7),
    HELLO_CONFIRM(8),
    WATERMARK(9),
    WATERMARK_STATUS(10),
    WORKER_FINISHED(11);

    private static final FrameType[] BY_CODE = new FrameType[12];

    static {
        for (FrameType type : values()) {
            BY_CODE[type.code] = type;
        }
    }

    final byte code;

    FrameType(int code) {
        this.code = (byte) code;
    }

    static FrameType ofCode(byte code) {
        FrameType type = code > 0 && code < BY_CODE.length ? BY_CODE[code] : null;
        if (type == null) {
            throw new IllegalArgumentException("unknown frame type " + code);
        }
        return type;
    }
}
