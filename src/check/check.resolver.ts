import { Arg, Authorized, Ctx, Query, Resolver } from "type-graphql";
import { type RequestContext, callerOf } from "../principals/request-context";
import { KeysScope } from "../core/reserved-scopes";
import type { CheckService } from "./check.service";
import { CheckKeyInput, CheckKeyResult } from "./check.types";

@Resolver()
export class CheckResolver {
  constructor(private readonly checks: CheckService) {}

  @Authorized(KeysScope.VERIFY)
  @Query(() => CheckKeyResult, { description: "May this key do this? Never throws for a bad key: the answer is in `code`." })
  checkKey(@Arg("input", () => CheckKeyInput, { validate: false }) input: CheckKeyInput, @Ctx() context: RequestContext): Promise<CheckKeyResult> {
    return this.checks.check(callerOf(context).principal, input);
  }
}
