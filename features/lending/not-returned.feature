@lending
Feature: Lending: returned but missing

  Background:
    Given a lending library on the ILS with the default integration settings

  @time-travel
  Scenario: An item that never arrives ages out after 180 days
    Given a lending request from the partner library for an available item
    And ILL staff ship the item due in 30 days
    And the borrowing library returns the item
    When ILL staff mark the item not returned
    Then the request is "returned-but-missing"
    When ILL staff try to age the request out
    Then the service refuses with "NOT_YET_AGED_OUT"
    When 180 days pass
    And ILL staff try to age the request out
    Then the request is "closed-missing"
