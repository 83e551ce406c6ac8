@repairs
Feature: Staff repair what went wrong, and the needs-attention queue empties
  Every field staff can get wrong can be corrected, every stuck step resolved by hand or skipped,
  and the needs-attention queue holds exactly what a person must act on (SPEC §5).

  Background:
    Given a borrowing library on the ILS with the default integration settings

  Scenario: Applying the suggested barcode after a barcode collision
    Given a loan request for the good patron is in transit
    When ILL staff mark the request received with the barcode of an item the ILS already has
    Then the request needs attention
    And the request is in the needs-attention queue
    When ILL staff apply the suggested barcode
    Then no ILS step of the request needs attention
    And the ILS has a temporary item under the corrected barcode, made for this request
    And the ILS has a hold on the temporary item for the good patron at the pickup location
    And the existing ILS item is unchanged
    And the ILS has no hold on the existing ILS item
    And the needs-attention queue is empty

  Scenario: Correcting a mistyped patron ID before the hold is placed
    Given patron verification is off
    And a loan request for an unknown patron is in transit
    When ILL staff mark the request received
    Then the request needs attention
    When ILL staff correct the patron ID to the good patron
    Then no ILS step of the request needs attention
    And the ILS has exactly one temporary item with the request ID as barcode
    And the ILS has a hold on the temporary item for the good patron at the pickup location
    And the circulation history says "Corrected by"

  Scenario: A patron check done by hand lets the request proceed
    When ILL staff create a loan request for an unknown patron
    Then the request needs attention
    When ILL staff resolve the patron check by hand
    Then no ILS step of the request needs attention
    And the needs-attention queue is empty
    And the circulation history says "Resolved by hand"
    When ILL staff send the request
    Then the request is "sent"

  Scenario: A step that is not needed is skipped, and what depends on it touches nothing
    Given a loan request for the good patron is in transit
    When ILL staff mark the request received with the barcode of an item the ILS already has
    And ILL staff skip the temporary item step
    Then no ILS step of the request needs attention
    And the needs-attention queue is empty
    And the existing ILS item is unchanged
    And the ILS has no hold on the existing ILS item

  Scenario: A request that ends leaves the queue
    When ILL staff create a loan request for an unknown patron
    Then the request is in the needs-attention queue
    When ILL staff cancel the request
    Then the needs-attention queue is empty
    And the circulation history says "no longer needed"

  Scenario: Correcting the patron after the hold is placed
    Given a loan request for the good patron is in transit
    When ILL staff mark the request received
    Then the ILS has a hold on the temporary item for the good patron at the pickup location
    When ILL staff correct the patron ID to another patron
    Then no ILS step of the request needs attention
    And the ILS has no active hold on the temporary item for the good patron
    And the ILS has a hold on the temporary item for the other patron at the pickup location
    And the ILS has exactly one hold on the temporary item
    And the other patrons' holds are unchanged
    And the circulation history says "cancelled"

  Scenario: Correcting the pickup location after the hold is placed
    Given the library also offers another pickup location
    And a loan request for the good patron is in transit
    When ILL staff mark the request received
    Then the ILS has a hold on the temporary item for the good patron at the pickup location
    When ILL staff correct the pickup location to the other one
    Then no ILS step of the request needs attention
    And the ILS has a hold on the temporary item for the good patron at the other pickup location
    And the ILS has exactly one hold on the temporary item
    And the other patrons' holds are unchanged
