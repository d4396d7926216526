package dev.fleetroll.console.cli;

import dev.fleetroll.console.dsl.compile.DslCompiler;
import dev.fleetroll.console.dsl.DslErrors;
import groovy.lang.Binding;
import groovy.lang.GroovyCodeSource;
import groovy.lang.GroovyShell;
import java.util.List;
import org.apache.commons.cli.CommandLine;
import org.codehaus.groovy.control.CompilationFailedException;

/** {@code fleetroll check FILE...}: compiles and type-checks DSL scripts without touching any host. */
final class CheckCommand implements Command {
    @Override
    public String name() {
        return "check";
    }

    @Override
    public String summary() {
        return "compile and type-check DSL scripts without touching any host";
    }

    @Override
    public String arguments() {
        return "FILE...";
    }

    @Override
    public String description() {
        return """
                Compiles each FILE with the DSL's type checking: a misspelled verb, HostSet method or HostState
                property is reported as FILE:LINE:COL: message, with the nearest valid name. Code outside the DSL
                (maps, JSON, variables assigned without def) is checked leniently. Nothing is run and no host,
                store or network is touched.

                Exit status: 0 all files are fine; 2 a file has errors or cannot be read.
                """;
    }

    @Override
    public int run(CommandLine line, CliContext ctx) {
        List<String> files = line.getArgList();
        if (files.isEmpty()) {
            throw new UsageError("check: name one or more script files");
        }
        int status = Cli.OK;
        for (String file : files) {
            String text = RunCommand.read(file);
            GroovyShell shell = DslCompiler.shell(DslCompiler.check(), new Binding());
            try {
                GroovyCodeSource src = new GroovyCodeSource(text, DslCompiler.className(file) + ".groovy",
                        GroovyShell.DEFAULT_CODE_BASE);
                src.setCachable(false);
                shell.parse(src);
                ctx.out().println(file + ": ok");
            } catch (CompilationFailedException e) {
                for (DslErrors.CompileError ce : DslErrors.compileErrors(e)) {
                    ctx.out().println(ce.format(file));
                }
                status = Cli.USAGE;
            }
        }
        return status;
    }
}
