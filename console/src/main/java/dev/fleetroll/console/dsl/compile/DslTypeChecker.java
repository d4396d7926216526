package dev.fleetroll.console.dsl.compile;

import dev.fleetroll.console.dsl.DslHelp;
import dev.fleetroll.console.dsl.ExecResults;
import dev.fleetroll.console.dsl.FleetScript;
import dev.fleetroll.console.dsl.GateQueries;
import dev.fleetroll.console.dsl.HostSet;
import dev.fleetroll.console.dsl.OutputGroup;
import dev.fleetroll.console.dsl.PuppetResults;
import dev.fleetroll.console.dsl.Results;
import dev.fleetroll.console.dsl.RolloutHandle;
import dev.fleetroll.console.dsl.RolloutSpec;
import dev.fleetroll.util.EditDistance;
import dev.fleetroll.ssh.ExecResult;
import dev.fleetroll.state.HostState;
import dev.fleetroll.state.PuppetRun;
import dev.fleetroll.state.Query;
import dev.fleetroll.state.TaskclusterState;
import java.beans.Introspector;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.codehaus.groovy.ast.ClassCodeVisitorSupport;
import org.codehaus.groovy.ast.ClassHelper;
import org.codehaus.groovy.ast.ClassNode;
import org.codehaus.groovy.ast.DynamicVariable;
import org.codehaus.groovy.ast.MethodNode;
import org.codehaus.groovy.ast.expr.ArgumentListExpression;
import org.codehaus.groovy.ast.expr.BinaryExpression;
import org.codehaus.groovy.ast.expr.Expression;
import org.codehaus.groovy.ast.expr.MethodCall;
import org.codehaus.groovy.ast.expr.PropertyExpression;
import org.codehaus.groovy.ast.expr.TupleExpression;
import org.codehaus.groovy.ast.expr.VariableExpression;
import org.codehaus.groovy.control.SourceUnit;
import org.codehaus.groovy.syntax.Types;
import org.codehaus.groovy.transform.stc.AbstractTypeCheckingExtension;
import org.codehaus.groovy.transform.stc.StaticTypeCheckingVisitor;
import org.codehaus.groovy.transform.stc.TypeCheckingContext;

/**
 * Type-checking extension for {@code fleetroll check}: strict about the DSL, lenient about the rest.
 *
 * <ul>
 *   <li>An unknown verb, {@code HostSet}/{@code Results} method or {@code HostState} property is an error naming the
 *       nearest valid one ({@code unknown verb 'hots' (did you mean 'hosts'?)}).
 *   <li>Script binding variables (assigned without {@code def}) and anything typed {@code Object} (JSON, maps,
 *       dynamic code) are left to run-time dispatch instead of failing the check.
 * </ul>
 *
 * <p>Tested on Groovy 5 (GROOVY-12041: {@code unresolvedVariable} does not fire for receivers with
 * {@code getProperty}; the specs pin what does fire: variables inside {@code where { }} closures do).
 */
public class DslTypeChecker extends AbstractTypeCheckingExtension {
    private static final List<Class<?>> DSL_TYPES = List.of(HostSet.class, Results.class, ExecResults.class, PuppetResults.class, RolloutHandle.class, RolloutSpec.class,
            HostState.class, HostState.OverrideState.class, PuppetRun.class, TaskclusterState.class, Query.class,
            OutputGroup.class, ExecResult.class);

    private final Set<String> bindingNames = new LinkedHashSet<>();

    public DslTypeChecker(StaticTypeCheckingVisitor visitor) {
        super(visitor);
    }

    private boolean scanned;

    @Override
    public boolean beforeVisitClass(ClassNode node) {
        if (!scanned && node.getModule() != null) {
            scanned = true;
            scan(context.getSource(), node.getModule().getClasses());
        }
        return false;
    }

    private void scan(SourceUnit su, List<ClassNode> classes) {
        for (ClassNode cn : classes) {
            new ClassCodeVisitorSupport() {
                @Override
                protected SourceUnit getSourceUnit() {
                    return su;
                }

                @Override
                public void visitBinaryExpression(BinaryExpression be) {
                    if (be.getOperation().getType() == Types.ASSIGN) {
                        collect(be.getLeftExpression());
                    }
                    super.visitBinaryExpression(be);
                }

                private void collect(Expression left) {
                    if (left instanceof VariableExpression v && v.getAccessedVariable() instanceof DynamicVariable) {
                        bindingNames.add(v.getName());
                    } else if (left instanceof TupleExpression t) {
                        t.getExpressions().forEach(this::collect);
                    }
                }
            }.visitClass(cn);
        }
    }

    @Override
    public boolean handleUnresolvedVariableExpression(VariableExpression v) {
        String name = v.getName();
        if (bindingNames.contains(name)) {
            makeDynamic(v);
            return true;
        }
        if (inHostStateClosure()) {
            String near = EditDistance.closest(name, DslHelp.hostStateProperties());
            addStaticTypeError("no HostState property or variable '" + name + "'"
                    + (near == null ? "" : " (did you mean '" + near + "'?)"), v);
            return true;
        }
        Set<String> known = new TreeSet<>(DslHelp.verbNames());
        known.addAll(bindingNames);
        String near = EditDistance.closest(name, known);
        addStaticTypeError("unknown variable '" + name + "'" + (near == null ? "" : " (did you mean '" + near + "'?)"), v);
        return true;
    }

    @Override
    public boolean handleUnresolvedProperty(PropertyExpression pexp) {
        ClassNode receiver = getType(pexp.getObjectExpression());
        Class<?> dsl = dslType(receiver);
        if (dsl != null) {
            String name = pexp.getPropertyAsString();
            String near = name == null ? null : EditDistance.closest(name, members(dsl, true));
            addStaticTypeError(dsl.getSimpleName() + " has no property '" + name + "'"
                    + (near == null ? "" : " (did you mean '" + near + "'?)"), pexp.getProperty());
            return true;
        }
        makeDynamic(pexp);
        return true;
    }

    @Override
    public List<MethodNode> handleMissingMethod(ClassNode receiver, String name, ArgumentListExpression args,
                                                ClassNode[] argTypes, MethodCall call) {
        if (isScript(receiver)) {
            if (bindingNames.contains(name)) {
                return Collections.singletonList(makeDynamic(call, ClassHelper.OBJECT_TYPE));
            }
            Set<String> verbs = members(FleetScript.class, false);
            verbs.addAll(DslHelp.verbNames());
            String near = EditDistance.closest(name, verbs);
            if (near == null && inHostStateClosure()) {
                near = EditDistance.closest(name, members(HostState.class, false));
            }
            addStaticTypeError("unknown verb '" + name + "'" + (near == null ? "" : " (did you mean '" + near + "'?)"),
                    (Expression) call);
            return Collections.emptyList();
        }
        Class<?> dsl = dslType(receiver);
        if (dsl != null) {
            String near = EditDistance.closest(name, members(dsl, false));
            addStaticTypeError(dsl.getSimpleName() + " has no method '" + name + "'"
                    + (near == null ? "" : " (did you mean '" + near + "'?)"), (Expression) call);
            return Collections.emptyList();
        }
        return Collections.singletonList(makeDynamic(call, ClassHelper.OBJECT_TYPE));
    }

    /**
     * A rollout gate given as a string constant ({@code gate 'applied=y healthy=y'}) is parsed here, so a bad column or
     * value is found by {@code fleetroll check}, before any host is touched.
     */
    @Override
    public void afterMethodCall(MethodCall call) {
        if (!"gate".equals(call.getMethodAsString()) || !(call.getArguments() instanceof ArgumentListExpression args)
                || args.getExpressions().size() != 1) {
            return;
        }
        if (args.getExpression(0) instanceof org.codehaus.groovy.ast.expr.ClosureExpression closure) {
            String query = GateQueries.fromClosure(closure);
            addStaticTypeError("a rollout gate is a monitor query, stored for other consoles and later advances: write "
                    + (query == null ? "it as one, e.g. gate 'applied=y healthy=y'" : "gate '" + query + "'"), closure);
            return;
        }
        if (!(args.getExpression(0) instanceof org.codehaus.groovy.ast.expr.ConstantExpression c)
                || !(c.getValue() instanceof String query)) {
            return;
        }
        try {
            dev.fleetroll.rollout.Rollouts.gateQuery(query);
        } catch (dev.fleetroll.UserError e) {
            addStaticTypeError(e.getMessage(), c);
        }
    }

    private boolean isScript(ClassNode receiver) {
        return receiver != null && (receiver.isScript() || receiver.isDerivedFrom(ClassHelper.make(FleetScript.class)));
    }

    private boolean inHostStateClosure() {
        TypeCheckingContext.EnclosingClosure ec = getEnclosingClosure();
        if (ec == null) {
            return false;
        }
        Object meta = ec.getClosureExpression().getNodeMetaData(
                org.codehaus.groovy.transform.stc.StaticTypesMarker.DELEGATION_METADATA);
        if (meta == null) {
            return false;
        }
        try { // DelegationMetadata is package-private; its getType() is the @DelegatesTo target
            Method getType = meta.getClass().getDeclaredMethod("getType");
            getType.setAccessible(true);
            Object type = getType.invoke(meta);
            return type instanceof ClassNode cn && cn.getName().equals(HostState.class.getName());
        } catch (ReflectiveOperationException | RuntimeException e) {
            return false;
        }
    }

    private static Class<?> dslType(ClassNode type) {
        if (type == null) {
            return null;
        }
        for (Class<?> c : DSL_TYPES) {
            if (type.getName().equals(c.getName())) {
                return c;
            }
        }
        return null;
    }

    /** Public method names, and with {@code properties} also bean/record property names. */
    public static Set<String> members(Class<?> type, boolean properties) {
        Set<String> out = new TreeSet<>();
        for (Method m : type.getMethods()) {
            if (m.getDeclaringClass() == Object.class || m.getDeclaringClass() == groovy.lang.Script.class
                    || m.getDeclaringClass() == groovy.lang.GroovyObjectSupport.class || !Modifier.isPublic(m.getModifiers())) {
                continue;
            }
            out.add(m.getName());
            if (properties) {
                String n = m.getName();
                if (n.startsWith("get") && n.length() > 3 && m.getParameterCount() == 0) {
                    out.add(Introspector.decapitalize(n.substring(3)));
                } else if (n.startsWith("is") && n.length() > 2 && m.getParameterCount() == 0) {
                    out.add(Introspector.decapitalize(n.substring(2)));
                }
            }
        }
        if (type.isRecord()) {
            for (var c : type.getRecordComponents()) {
                out.add(c.getName());
            }
        }
        return out;
    }
}
