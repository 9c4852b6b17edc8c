package io.jetway.faulttests.workload;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.EnableConfigurationProperties;

/**
 * The application the fault-tolerance suite starts as separate JVMs and kills: it uses
 * the starter as a newcomer would (application.yml), with a driver that commits the
 * business operations itself.
 */
@SpringBootApplication
@EnableConfigurationProperties(WorkloadProperties.class)
public class WorkloadApplication {

	public static void main(String[] args) {
		SpringApplication.run(WorkloadApplication.class, args);
	}

}
