package io.jetway.sample.api;

import java.util.Optional;
import java.util.UUID;

import org.springframework.data.jpa.repository.JpaRepository;

public interface AtlasJobRepository extends JpaRepository<AtlasJob, UUID> {

	Optional<AtlasJob> findByJobIdAndProjectIdAndEnvironmentId(UUID jobId, String projectId, String environmentId);

}
