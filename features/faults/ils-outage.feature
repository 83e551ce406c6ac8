@faults @fault-injection
Feature: The ILS is unavailable, then recovers
  Integration failures never block the ILL transaction: the step is recorded, retried, and
  succeeds once when the ILS is back.

  Background:
    Given a borrowing library on the ILS with the default integration settings

  Scenario: Receiving while the ILS is down, then recovering
    Given a loan request for the good patron is in transit
    And the ILS is down
    When ILL staff mark the request received
    Then the request is "received"
    And the circulation history says "Will retry"
    When the ILS comes back
    And the service retries its pending ILS steps
    Then the ILS has exactly one temporary item with the request ID as barcode
    And the ILS has exactly one hold on the temporary item
    And no ILS step of the request needs attention
