package dev.fleetroll.console.repl;

import java.util.List;
import org.jline.reader.Candidate;
import org.jline.reader.Completer;
import org.jline.reader.LineReader;
import org.jline.reader.ParsedLine;

/** Turns the analyzer's suggestions into JLine candidates (value, group, description). */
final class DslCompleter implements Completer {
    private final CompletionAnalyzer analyzer;

    DslCompleter(CompletionAnalyzer analyzer) {
        this.analyzer = analyzer;
    }

    @Override
    public void complete(LineReader reader, ParsedLine line, List<Candidate> candidates) {
        CompletionAnalyzer.Analysis a = line instanceof ReplParser.Completing c ? c.analysis
                : analyzer.analyze(line.line().substring(0, Math.min(line.cursor(), line.line().length())));
        for (CompletionAnalyzer.Suggestion s : a.suggestions()) {
            candidates.add(new Candidate(s.value(), s.value(), s.group(), s.description(), null, null, s.complete()));
        }
    }
}
