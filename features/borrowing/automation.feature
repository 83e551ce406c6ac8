@borrowing @automation
Feature: Automation rules review and send new requests
  Seed 000 §2 (Automated Request Manager): per-library rules match new requests (service type,
  the patron's type from the ILS, format or ISBN present, pickup location) and review and send
  them to a given lender string automatically. Rules act only once the ILS has verified the
  patron; every automatic action is in the history.

  Background:
    Given a borrowing library on the ILS with the default integration settings
    And the library automates loan requests with an ISBN: review and send them to "AUTOL1,AUTOL2"

  Scenario: A matching request is reviewed and sent to the rule's lenders once the ILS verified the patron
    When ILL staff create a loan request with an ISBN for the good patron
    Then the request is "sent"
    And the request's lender string is "AUTOL1,AUTOL2"
    And the circulation history says "Reviewed. Automation rule"
    And the circulation history says "Sent to lender. Automation rule"

  Scenario: A request the rule does not match is left for staff
    When ILL staff create a loan request for the good patron
    Then the request is "new-for-review"
    And the circulation history does not say "Automation rule"

  Scenario: A patron the ILS says is blocked is never sent on automatically
    When ILL staff create a loan request with an ISBN for the blocked patron
    Then the request is "new-for-review"
    And the circulation history says "Automation: not applied"
