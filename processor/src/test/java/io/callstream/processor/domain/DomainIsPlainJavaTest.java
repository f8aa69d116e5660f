package io.callstream.processor.domain;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/** The processor's domain is plain Java: no Kafka, Micronaut or Connect (STYLE.md, guideline 1). */
class DomainIsPlainJavaTest {

    @Test
    void shouldNotDependOnFrameworks() {
        noClasses()
                .that()
                .resideInAPackage("io.callstream.processor.domain..")
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage("org.apache.kafka..", "io.micronaut..", "org.apache.kafka.connect..")
                .check(new ClassFileImporter()
                        .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                        .importPackages("io.callstream.processor.domain"));
    }
}
