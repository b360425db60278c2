package dev.larder.spi.codec;

/** Reads protobuf wire primitives from a byte range; malformed input throws {@link CodecException}. */
final class ProtoReader {
    static final int VARINT = 0, FIXED64 = 1, LEN = 2, FIXED32 = 5;

    private final byte[] buf;
    private int pos;
    private final int end;
    private final String what;

    ProtoReader(byte[] buf, int offset, int length, String what) {
        if (offset < 0 || length < 0 || offset + length > buf.length) {
            throw new IndexOutOfBoundsException();
        }
        this.buf = buf;
        this.pos = offset;
        this.end = offset + length;
        this.what = what;
    }

    boolean hasMore() {
        return pos < end;
    }

    int position() {
        return pos;
    }

    long varint() {
        long result = 0;
        for (int shift = 0; shift < 64; shift += 7) {
            if (pos >= end) throw malformed("truncated varint");
            byte b = buf[pos++];
            result |= (long) (b & 0x7F) << shift;
            if ((b & 0x80) == 0) return result;
        }
        throw malformed("varint longer than 10 bytes");
    }

    int fixed32() {
        need(4);
        int v = (buf[pos] & 0xFF) | (buf[pos + 1] & 0xFF) << 8 | (buf[pos + 2] & 0xFF) << 16 | (buf[pos + 3] & 0xFF) << 24;
        pos += 4;
        return v;
    }

    long fixed64() {
        need(8);
        long v = 0;
        for (int i = 0; i < 8; i++) {
            v |= (long) (buf[pos + i] & 0xFF) << (8 * i);
        }
        pos += 8;
        return v;
    }

    /** Reads a length prefix and returns the end of that range, checking it fits. */
    int lengthDelimitedEnd() {
        long len = varint();
        if (len < 0 || len > end - pos) throw malformed("length " + len + " runs past the end");
        return pos + (int) len;
    }

    byte[] bytes() {
        int e = lengthDelimitedEnd();
        byte[] out = new byte[e - pos];
        System.arraycopy(buf, pos, out, 0, out.length);
        pos = e;
        return out;
    }

    String string() {
        int e = lengthDelimitedEnd();
        String s = new String(buf, pos, e - pos, java.nio.charset.StandardCharsets.UTF_8);
        pos = e;
        return s;
    }

    ProtoReader sub(int subEnd) {
        ProtoReader r = new ProtoReader(buf, pos, subEnd - pos, what);
        pos = subEnd;
        return r;
    }

    CodecException malformed(String detail) {
        return new CodecException("Malformed " + what + ": " + detail + " at byte " + pos);
    }

    private void need(int n) {
        if (end - pos < n) throw malformed("truncated fixed-width field");
    }
}
