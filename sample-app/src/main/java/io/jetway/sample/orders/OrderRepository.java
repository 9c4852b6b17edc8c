package io.jetway.sample.orders;

import java.util.List;
import java.util.Optional;
import java.util.UUID;

import org.springframework.data.jpa.repository.JpaRepository;

public interface OrderRepository extends JpaRepository<Order, UUID> {

	Optional<Order> findByIdAndProjectIdAndEnvironmentId(UUID id, String projectId, String environmentId);

	/**
	 * @return the project environment's latest orders that have an event
	 */
	List<Order> findTop100ByProjectIdAndEnvironmentIdAndEventIdNotNullOrderByCreatedAtDesc(String projectId,
			String environmentId);

}
