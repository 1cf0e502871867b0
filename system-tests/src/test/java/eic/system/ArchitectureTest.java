package eic.system;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The shape of the code, checked on every module's compiled classes: no package depends on
 * itself through others, the core knows no Spring, the scaling policy knows no AWS and
 * starts no process, and nothing but the CLIs and tools leaves through System.exit.
 */
class ArchitectureTest {
    private static final List<String> MODULES = List.of("common", "app-tier", "model-tools", "web-tier",
            "scaling-infra/policy", "scaling-infra/local-stack", "scaling-infra/aws", "scaling-infra/cli",
            "workload-generator");
    static JavaClasses classes;

    @BeforeAll
    static void importEveryModule() {
        Path home = TestStacks.home();
        List<Path> dirs = MODULES.stream().map(m -> home.resolve(m).resolve("target/classes")).toList();
        dirs.forEach(d -> {
            if (!Files.isDirectory(d)) {
                throw new IllegalStateException(d + " is missing: the reactor builds every module before this one");
            }
        });
        classes = new ClassFileImporter().importPaths(dirs);
    }

    @Test
    void noPackageCycles() {
        slices().matching("eic.(**)").should().beFreeOfCycles().check(classes);
    }

    @Test
    void theCoreKnowsNoSpring() {
        noClasses().that().resideOutsideOfPackage("eic.web..").should().dependOnClassesThat()
                .resideInAPackage("org.springframework..").check(classes);
    }

    @Test
    void theScalingPolicyKnowsNoAwsAndStartsNoProcess() {
        noClasses().that().resideInAPackage("eic.infra.scaling..").should().dependOnClassesThat()
                .resideInAnyPackage("software.amazon.awssdk..", "eic.common.aws..", "eic.infra.process..")
                .orShould().dependOnClassesThat().haveFullyQualifiedName(ProcessBuilder.class.getName())
                .check(classes);
    }

    @Test
    void theServiceNeverCallsSystemExit() {
        noClasses().that().resideInAnyPackage("eic.web..", "eic.app.worker..", "eic.app.classifier..",
                        "eic.common..", "eic.infra.scaling..", "eic.infra.local..", "eic.infra.fleet..")
                .should().callMethod(System.class, "exit", int.class).check(classes);
    }
}
