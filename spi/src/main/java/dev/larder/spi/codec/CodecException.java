package dev.larder.spi.codec;

/** Bytes that are not a valid Feast encoding, or a value Feast's encoding cannot express. */
public class CodecException extends IllegalArgumentException {
    public CodecException(String message) {
        super(message);
    }
}
