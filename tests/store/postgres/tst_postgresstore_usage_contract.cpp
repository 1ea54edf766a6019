#include "UsageStoreContract.h"
#include "PostgresContractStore.h"

int main(int argc, char* argv[])
{
    return PostgresContractStore::runSuite<UsageStoreContract>(argc, argv);
}
