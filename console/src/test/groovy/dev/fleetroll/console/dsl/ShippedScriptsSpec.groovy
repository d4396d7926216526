package dev.fleetroll.console.dsl

import dev.fleetroll.console.dsl.compile.DslCompiler;
import groovy.lang.Binding
import java.nio.file.Files
import java.nio.file.Path
import org.codehaus.groovy.control.CompilationFailedException
import spock.lang.Specification

/** Every script under scripts/ passes fleetroll check. */
class ShippedScriptsSpec extends Specification {
    static final Path SCRIPTS = Path.of(System.getProperty('user.dir')).resolve('../scripts').normalize()

    def "#script.fileName passes the DSL type check"() {
        when:
        List<String> errors = []
        try {
            DslCompiler.shell(DslCompiler.check(), new Binding()).parse(script.text, DslCompiler.className(script.toString()) + '.groovy')
        } catch (CompilationFailedException e) {
            errors = DslErrors.compileErrors(e)*.format(script.toString())
        }

        then:
        errors == []

        where:
        script << Files.list(SCRIPTS).filter { it.toString().endsWith('.groovy') }.sorted().toList()
    }
}
