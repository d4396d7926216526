package dev.fleetroll.console.repl;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import org.jline.reader.CompletingParsedLine;
import org.jline.reader.EOFError;
import org.jline.reader.ParsedLine;
import org.jline.reader.Parser;
import org.jline.reader.impl.DefaultParser;

/**
 * JLine parser for Groovy input. On Enter it asks for more lines while a bracket or a string (including
 * triple-quoted ones) is open, so multi-line closures and maps need no continuation character. For completion it
 * hands JLine the word the {@link CompletionAnalyzer} completes (an identifier, a host name after the last comma
 * in {@code hosts('a,b}, a path in {@code file('}), so candidates are plain names.
 */
final class ReplParser implements Parser {
    private final DefaultParser words = new DefaultParser();
    private final CompletionAnalyzer analyzer;

    ReplParser(CompletionAnalyzer analyzer) {
        this.analyzer = analyzer;
    }

    @Override
    public ParsedLine parse(String line, int cursor, ParseContext context) {
        if (context == ParseContext.COMPLETE) {
            String before = line.substring(0, Math.min(cursor, line.length()));
            return new Completing(line, cursor, analyzer.analyze(before));
        }
        if (context == ParseContext.ACCEPT_LINE || context == ParseContext.SECONDARY_PROMPT) {
            checkComplete(line);
        }
        return words.parse(line, cursor, context);
    }

    /** Throws {@link EOFError} while a bracket or string is still open (JLine then reads another line). */
    static void checkComplete(String line) {
        if (line.strip().startsWith(":")) {
            return;
        }
        SourceScan scan = SourceScan.of(line);
        if (scan.openString != null) {
            throw new EOFError(-1, -1, "unclosed string", "string");
        }
        if (scan.inComment && line.lastIndexOf("/*") > line.lastIndexOf("*/")) {
            throw new EOFError(-1, -1, "unclosed comment", "comment");
        }
        Deque<SourceScan.Kind> open = new ArrayDeque<>();
        for (SourceScan.Token t : scan.tokens) {
            if (SourceScan.isOpener(t.kind())) {
                open.push(t.kind());
            } else if (SourceScan.isCloser(t.kind()) && !open.isEmpty()) {
                open.pop();
            }
        }
        if (!open.isEmpty()) {
            String missing = switch (open.peek()) {
                case LBRACE -> "}";
                case LBRACK -> "]";
                default -> ")";
            };
            throw new EOFError(-1, -1, "unclosed bracket", missing);
        }
    }

    @Override
    public boolean isEscapeChar(char ch) {
        return false;
    }

    /** A parsed line whose "word" is what the analyzer completes; candidates are inserted as they are. */
    static final class Completing implements CompletingParsedLine {
        private final String line;
        private final int cursor;
        final CompletionAnalyzer.Analysis analysis;

        Completing(String line, int cursor, CompletionAnalyzer.Analysis analysis) {
            this.line = line;
            this.cursor = cursor;
            this.analysis = analysis;
        }

        @Override
        public String word() {
            return analysis.word();
        }

        @Override
        public int wordCursor() {
            return analysis.word().length();
        }

        @Override
        public int wordIndex() {
            return 0;
        }

        @Override
        public List<String> words() {
            return List.of(analysis.word());
        }

        @Override
        public String line() {
            return line;
        }

        @Override
        public int cursor() {
            return cursor;
        }

        @Override
        public CharSequence escape(CharSequence candidate, boolean complete) {
            return candidate;
        }

        @Override
        public int rawWordCursor() {
            return wordCursor();
        }

        @Override
        public int rawWordLength() {
            return analysis.word().length();
        }
    }
}
