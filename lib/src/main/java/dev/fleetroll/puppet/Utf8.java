package dev.fleetroll.puppet;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/** Strict UTF-8 decoding that names where the first bad byte is (line and column), never what surrounds it. */
final class Utf8 {
    private Utf8() {}

    /** Where decoding failed: 1-based line, 1-based byte column, and the offending byte. */
    record BadByte(int line, int column, int value) {}

    /** The decoded text, or throws {@link InvalidFileError} for the first invalid byte sequence. */
    static String decode(byte[] content, String source) {
        CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        try {
            CharBuffer chars = decoder.decode(ByteBuffer.wrap(content));
            return chars.toString();
        } catch (CharacterCodingException e) {
            BadByte bad = locate(content);
            throw new InvalidFileError(source, bad.line(), "utf-8", String.format(
                    "not valid UTF-8 (byte 0x%02x at column %d); save the file as UTF-8", bad.value(), bad.column()));
        }
    }

    /** Finds the first byte that does not start a valid UTF-8 sequence. */
    static BadByte locate(byte[] b) {
        int line = 1;
        int lineStart = 0;
        int i = 0;
        while (i < b.length) {
            int c = b[i] & 0xff;
            int len;
            if (c < 0x80) {
                len = 1;
            } else if (c >= 0xc2 && c <= 0xdf) {
                len = 2;
            } else if (c >= 0xe0 && c <= 0xef) {
                len = 3;
            } else if (c >= 0xf0 && c <= 0xf4) {
                len = 4;
            } else {
                return new BadByte(line, i - lineStart + 1, c);
            }
            if (len > 1) {
                if (i + len > b.length) {
                    return new BadByte(line, i - lineStart + 1, c);
                }
                for (int k = 1; k < len; k++) {
                    if ((b[i + k] & 0xc0) != 0x80) {
                        return new BadByte(line, i - lineStart + 1, c);
                    }
                }
                // overlongs and surrogates: let the JDK decoder be the judge for the sequence as a whole
                try {
                    StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                            .decode(ByteBuffer.wrap(b, i, len));
                } catch (CharacterCodingException e) {
                    return new BadByte(line, i - lineStart + 1, c);
                }
            }
            if (c == '\n') {
                line++;
                lineStart = i + 1;
            }
            i += len;
        }
        return new BadByte(line, i - lineStart + 1, 0);
    }
}
