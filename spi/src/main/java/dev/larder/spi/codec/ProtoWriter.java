package dev.larder.spi.codec;

import java.util.Arrays;

/** A growable buffer with the protobuf wire primitives Larder needs. Not thread-safe. */
final class ProtoWriter {
    private byte[] buf;
    private int pos;

    ProtoWriter(int capacity) {
        buf = new byte[Math.max(16, capacity)];
    }

    void tag(int field, int wireType) {
        varint(((long) field << 3) | wireType);
    }

    void varint(long v) {
        ensure(10);
        while ((v & ~0x7FL) != 0) {
            buf[pos++] = (byte) ((v & 0x7F) | 0x80);
            v >>>= 7;
        }
        buf[pos++] = (byte) v;
    }

    void fixed32(int v) {
        ensure(4);
        buf[pos++] = (byte) v;
        buf[pos++] = (byte) (v >>> 8);
        buf[pos++] = (byte) (v >>> 16);
        buf[pos++] = (byte) (v >>> 24);
    }

    void fixed64(long v) {
        ensure(8);
        for (int i = 0; i < 8; i++) {
            buf[pos++] = (byte) (v >>> (8 * i));
        }
    }

    void bytes(byte[] b) {
        varint(b.length);
        raw(b);
    }

    void raw(byte[] b) {
        ensure(b.length);
        System.arraycopy(b, 0, buf, pos, b.length);
        pos += b.length;
    }

    int position() {
        return pos;
    }

    /** Inserts the varint length of everything written since {@code start} at {@code start}. */
    void insertLength(int start) {
        int len = pos - start;
        int size = varintSize(len);
        ensure(size);
        System.arraycopy(buf, start, buf, start + size, len);
        int p = start;
        long v = len;
        while ((v & ~0x7FL) != 0) {
            buf[p++] = (byte) ((v & 0x7F) | 0x80);
            v >>>= 7;
        }
        buf[p] = (byte) v;
        pos += size;
    }

    static int varintSize(long v) {
        int n = 1;
        while ((v & ~0x7FL) != 0) {
            v >>>= 7;
            n++;
        }
        return n;
    }

    byte[] toByteArray() {
        return Arrays.copyOf(buf, pos);
    }

    private void ensure(int more) {
        if (pos + more > buf.length) {
            buf = Arrays.copyOf(buf, Math.max(buf.length * 2, pos + more));
        }
    }
}
