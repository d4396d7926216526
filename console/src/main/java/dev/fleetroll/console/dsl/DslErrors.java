package dev.fleetroll.console.dsl;

import dev.fleetroll.console.dsl.compile.DslTypeChecker;
import dev.fleetroll.RemoteServiceException;
import dev.fleetroll.UserError;
import dev.fleetroll.store.StoreException;
import dev.fleetroll.util.EditDistance;
import groovy.lang.MissingMethodException;
import groovy.lang.MissingPropertyException;
import groovy.lang.Script;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.TreeSet;
import org.codehaus.groovy.control.CompilationFailedException;
import org.codehaus.groovy.control.MultipleCompilationErrorsException;
import org.codehaus.groovy.control.messages.ExceptionMessage;
import org.codehaus.groovy.control.messages.Message;
import org.codehaus.groovy.control.messages.SyntaxErrorMessage;
import org.codehaus.groovy.runtime.InvokerInvocationException;
import org.codehaus.groovy.syntax.SyntaxException;

/**
 * Turns compile and run-time errors into one line for the operator: {@code file:line:col: message} for compile
 * errors, {@code unknown verb 'hots' (did you mean 'hosts'?)} for typos, the message of a {@link UserError}, and
 * {@code ExceptionType: message} otherwise. Stack traces are for {@code :trace} and {@code --debug} only.
 */
public final class DslErrors {
    private DslErrors() {}

    /** One compile error with its position. */
    public record CompileError(int line, int column, String message) {
        public String format(String label) {
            return label + ":" + line + ":" + column + ": " + message;
        }
    }

    /** The errors of a failed compilation, in source order. */
    public static List<CompileError> compileErrors(CompilationFailedException e) {
        List<CompileError> out = new ArrayList<>();
        if (e instanceof MultipleCompilationErrorsException m) {
            for (Message msg : m.getErrorCollector().getErrors()) {
                if (msg instanceof SyntaxErrorMessage sem) {
                    SyntaxException se = sem.getCause();
                    out.add(new CompileError(se.getLine(), se.getStartColumn(), clean(se.getOriginalMessage())));
                } else if (msg instanceof ExceptionMessage em) {
                    out.add(new CompileError(0, 0, clean(String.valueOf(em.getCause().getMessage()))));
                }
            }
        }
        if (out.isEmpty()) {
            out.add(new CompileError(0, 0, clean(e.getMessage())));
        }
        return out;
    }

    private static String clean(String message) {
        String m = message == null ? "" : message.strip();
        m = m.replaceFirst("^\\[Static type checking] - ", "");
        m = m.replaceAll("\\s*@ line \\d+, column \\d+\\.?$", "");
        return m.lines().findFirst().orElse("").strip();
    }

    /** The exception that matters (Groovy wraps reflective calls). */
    public static Throwable unwrap(Throwable t) {
        Throwable cur = t;
        while ((cur instanceof InvokerInvocationException || cur instanceof java.lang.reflect.InvocationTargetException
                || cur instanceof java.lang.reflect.UndeclaredThrowableException) && cur.getCause() != null) {
            cur = cur.getCause();
        }
        return cur;
    }

    /**
     * One line describing a run-time error, without position.
     *
     * @param bindingNames variables the session holds (for "did you mean")
     */
    public static String describe(Throwable t, Collection<String> bindingNames) {
        Throwable e = unwrap(t);
        if (e instanceof UserError || e instanceof StoreException || e instanceof RemoteServiceException
                || e instanceof DslFailure || e instanceof DslCancelled) {
            return e.getMessage();
        }
        if (e instanceof MissingMethodException mm && !mm.isStatic() && mm.getType() != null) {
            Class<?> type = mm.getType();
            if (Script.class.isAssignableFrom(type)) {
                TreeSet<String> names = new TreeSet<>(DslTypeChecker.members(FleetScript.class, false));
                names.addAll(DslHelp.verbNames());
                names.addAll(bindingNames);
                String near = EditDistance.closest(mm.getMethod(), names);
                return "unknown verb '" + mm.getMethod() + "'" + (near == null ? "" : " (did you mean '" + near + "'?)");
            }
            java.util.Set<String> methods = DslTypeChecker.members(type, false);
            if (methods.contains(mm.getMethod())) {
                return type.getSimpleName() + "." + mm.getMethod() + " does not take these arguments" + argumentHint(mm);
            }
            String near = EditDistance.closest(mm.getMethod(), methods);
            return type.getSimpleName() + " has no method '" + mm.getMethod() + "'"
                    + (near == null ? "" : " (did you mean '" + near + "'?)");
        }
        if (e instanceof MissingPropertyException mp && mp.getType() != null) {
            Class<?> type = mp.getType();
            if (Script.class.isAssignableFrom(type)) {
                TreeSet<String> names = new TreeSet<>(DslHelp.verbNames());
                names.addAll(bindingNames);
                String near = EditDistance.closest(mp.getProperty(), names);
                if (near == null) {
                    near = EditDistance.closest(mp.getProperty(), DslHelp.hostStateProperties());
                    if (near != null) {
                        return "unknown variable '" + mp.getProperty() + "' (HostState properties such as '" + near
                                + "' exist only inside where { } and each { })";
                    }
                }
                return "unknown variable '" + mp.getProperty() + "'" + (near == null ? "" : " (did you mean '" + near + "'?)");
            }
            String near = EditDistance.closest(mp.getProperty(), DslTypeChecker.members(type, true));
            return type.getSimpleName() + " has no property '" + mp.getProperty() + "'"
                    + (near == null ? "" : " (did you mean '" + near + "'?)");
        }
        if (e instanceof NullPointerException && e.getMessage() != null && e.getMessage().startsWith("Cannot get property")) {
            return e.getMessage() + " (use ?. for values that may be missing, e.g. override?.branch)";
        }
        if (e instanceof InterruptedException) {
            return "interrupted";
        }
        String msg = e.getMessage();
        String first = msg == null ? "" : msg.lines().findFirst().orElse("");
        return e.getClass().getSimpleName() + (first.isEmpty() ? "" : ": " + first);
    }

    private static String argumentHint(MissingMethodException mm) {
        Object[] args = mm.getArguments();
        if (args == null) {
            return "";
        }
        List<String> types = new ArrayList<>();
        for (Object a : args) {
            types.add(a == null ? "null" : a.getClass().getSimpleName());
        }
        return " (" + mm.getMethod() + "(" + String.join(", ", types) + "); see :help " + mm.getMethod() + ")";
    }

    /** The line in the script class {@code className} where {@code t} happened, or 0. */
    public static int scriptLine(Throwable t, String className) {
        for (Throwable cur = t; cur != null; cur = cur.getCause()) {
            for (StackTraceElement el : cur.getStackTrace()) {
                String c = el.getClassName();
                if ((c.equals(className) || c.startsWith(className + "$")) && el.getLineNumber() > 0) {
                    return el.getLineNumber();
                }
            }
        }
        return 0;
    }

    /** True for failures the operator caused by interrupting. */
    public static boolean isInterrupt(Throwable t) {
        Throwable e = unwrap(t);
        return e instanceof DslCancelled || e instanceof InterruptedException;
    }
}
