@faults
Feature: Patron problems are flagged, never silently accepted

  Background:
    Given a borrowing library on the ILS with the default integration settings

  Scenario: An unknown patron is flagged on the request
    When ILL staff create a loan request for an unknown patron
    Then the request needs attention
    And the circulation history says "could not be verified"

  Scenario: A blocked patron is flagged on the request
    When ILL staff create a loan request for the blocked patron
    Then the request needs attention
    And the circulation history says "blocked"

  Scenario: The temporary item for an unknown patron fails and says why
    Given patron verification is off
    And a loan request for an unknown patron is in transit
    When ILL staff mark the request received
    Then the request is "received"
    And the request needs attention
    And the circulation history says "failed"

  @patron-verification
  Scenario: Staff verify the patron at review: name, status and expiry as the ILS shows them
    When ILL staff create a loan request for the good patron
    Then the request shows the ILS patron as active
    And the circulation history says "verified in the circulation system"
    And no ILS step of the request needs attention

  @patron-verification
  Scenario: A blocked patron is shown with the ILS's block, and the request waits for staff
    When ILL staff create a loan request for the blocked patron
    Then the request needs attention
    And the request shows the ILS patron as blocked

  @patron-verification
  Scenario: An expired patron is shown expired, and the request waits for staff
    When ILL staff create a loan request for the expired patron
    Then the request needs attention
    And the request shows the ILS patron as expired
    And the circulation history says "expired"
